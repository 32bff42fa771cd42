build2/src/domain/task_line.o: src/domain/task_line.c \
 src/domain/task_line.h src/core/err.h
src/domain/task_line.h:
src/core/err.h:
