build2/src/domain/retention.o: src/domain/retention.c \
 src/domain/retention.h src/core/config.h src/core/err.h \
 src/core/datetime.h
src/domain/retention.h:
src/core/config.h:
src/core/err.h:
src/core/datetime.h:
