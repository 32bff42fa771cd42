build2/src/domain/screening.o: src/domain/screening.c \
 src/domain/screening.h src/core/err.h
src/domain/screening.h:
src/core/err.h:
