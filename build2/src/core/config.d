build2/src/core/config.o: src/core/config.c src/core/config.h \
 src/core/err.h src/core/log.h
src/core/config.h:
src/core/err.h:
src/core/log.h:
