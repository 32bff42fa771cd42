build2/src/http/jbody.o: src/http/jbody.c src/http/jbody.h \
 src/core/arena.h src/core/err.h src/core/datetime.h src/core/text.h
src/http/jbody.h:
src/core/arena.h:
src/core/err.h:
src/core/datetime.h:
src/core/text.h:
