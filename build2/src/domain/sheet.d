build2/src/domain/sheet.o: src/domain/sheet.c src/domain/sheet.h \
 src/core/datetime.h src/core/err.h
src/domain/sheet.h:
src/core/datetime.h:
src/core/err.h:
