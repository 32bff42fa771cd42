build2/src/cli/cmd_workplan.o: src/cli/cmd_workplan.c src/cli/cli.h \
 src/core/config.h src/core/err.h src/core/crypt.h src/store/store.h \
 src/core/datetime.h src/domain/auth.h src/core/arena.h src/domain/demo.h \
 src/domain/scope.h src/domain/meeting.h src/domain/task.h \
 src/domain/calendar.h src/domain/org.h src/domain/visit.h \
 src/domain/workplan.h src/domain/task_line.h src/json/jworkplan.h
src/cli/cli.h:
src/core/config.h:
src/core/err.h:
src/core/crypt.h:
src/store/store.h:
src/core/datetime.h:
src/domain/auth.h:
src/core/arena.h:
src/domain/demo.h:
src/domain/scope.h:
src/domain/meeting.h:
src/domain/task.h:
src/domain/calendar.h:
src/domain/org.h:
src/domain/visit.h:
src/domain/workplan.h:
src/domain/task_line.h:
src/json/jworkplan.h:
