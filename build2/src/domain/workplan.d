build2/src/domain/workplan.o: src/domain/workplan.c src/domain/workplan.h \
 src/core/arena.h src/core/datetime.h src/core/err.h src/domain/demo.h \
 src/core/crypt.h src/store/store.h src/domain/meeting.h \
 src/domain/scope.h src/domain/task.h src/domain/calendar.h \
 src/domain/task_line.h src/core/text.h src/domain/auth.h
src/domain/workplan.h:
src/core/arena.h:
src/core/datetime.h:
src/core/err.h:
src/domain/demo.h:
src/core/crypt.h:
src/store/store.h:
src/domain/meeting.h:
src/domain/scope.h:
src/domain/task.h:
src/domain/calendar.h:
src/domain/task_line.h:
src/core/text.h:
src/domain/auth.h:
