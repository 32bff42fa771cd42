build2/src/core/crypt.o: src/core/crypt.c src/core/crypt.h src/core/err.h
src/core/crypt.h:
src/core/err.h:
