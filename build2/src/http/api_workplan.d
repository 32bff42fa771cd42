build2/src/http/api_workplan.o: src/http/api_workplan.c \
 src/core/datetime.h src/core/err.h src/domain/auth.h src/core/arena.h \
 src/core/crypt.h src/domain/demo.h src/store/store.h src/domain/scope.h \
 src/domain/meeting.h src/domain/task.h src/domain/calendar.h \
 src/domain/workplan.h src/domain/task_line.h src/http/api.h \
 src/http/http.h src/core/config.h src/http/jbody.h src/json/jworkplan.h
src/core/datetime.h:
src/core/err.h:
src/domain/auth.h:
src/core/arena.h:
src/core/crypt.h:
src/domain/demo.h:
src/store/store.h:
src/domain/scope.h:
src/domain/meeting.h:
src/domain/task.h:
src/domain/calendar.h:
src/domain/workplan.h:
src/domain/task_line.h:
src/http/api.h:
src/http/http.h:
src/core/config.h:
src/http/jbody.h:
src/json/jworkplan.h:
