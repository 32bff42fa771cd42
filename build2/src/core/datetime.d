build2/src/core/datetime.o: src/core/datetime.c src/core/datetime.h \
 src/core/err.h
src/core/datetime.h:
src/core/err.h:
