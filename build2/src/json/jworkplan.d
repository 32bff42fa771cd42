build2/src/json/jworkplan.o: src/json/jworkplan.c src/json/jworkplan.h \
 src/core/arena.h src/core/err.h src/domain/meeting.h src/core/datetime.h \
 src/domain/scope.h src/store/store.h src/domain/task.h \
 src/domain/calendar.h src/domain/workplan.h src/domain/demo.h \
 src/core/crypt.h src/domain/task_line.h src/core/text.h src/json/jorg.h \
 src/domain/group.h src/domain/org.h src/domain/person.h
src/json/jworkplan.h:
src/core/arena.h:
src/core/err.h:
src/domain/meeting.h:
src/core/datetime.h:
src/domain/scope.h:
src/store/store.h:
src/domain/task.h:
src/domain/calendar.h:
src/domain/workplan.h:
src/domain/demo.h:
src/core/crypt.h:
src/domain/task_line.h:
src/core/text.h:
src/json/jorg.h:
src/domain/group.h:
src/domain/org.h:
src/domain/person.h:
