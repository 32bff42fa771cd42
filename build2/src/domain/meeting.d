build2/src/domain/meeting.o: src/domain/meeting.c src/domain/meeting.h \
 src/core/arena.h src/core/datetime.h src/core/err.h src/domain/scope.h \
 src/store/store.h src/domain/task.h src/domain/calendar.h \
 src/domain/workplan.h src/domain/demo.h src/core/crypt.h \
 src/domain/task_line.h
src/domain/meeting.h:
src/core/arena.h:
src/core/datetime.h:
src/core/err.h:
src/domain/scope.h:
src/store/store.h:
src/domain/task.h:
src/domain/calendar.h:
src/domain/workplan.h:
src/domain/demo.h:
src/core/crypt.h:
src/domain/task_line.h:
