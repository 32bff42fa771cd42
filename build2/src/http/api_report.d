build2/src/http/api_report.o: src/http/api_report.c src/core/datetime.h \
 src/core/err.h src/domain/auth.h src/core/arena.h src/core/crypt.h \
 src/domain/demo.h src/store/store.h src/domain/scope.h \
 src/domain/report.h src/domain/alert.h src/core/ident.h \
 src/domain/disinfection.h src/domain/inspection.h src/domain/outsider.h \
 src/domain/request.h src/domain/resumption.h src/domain/scan.h \
 src/core/config.h src/domain/screening.h src/domain/stay.h \
 src/domain/supply_ledger.h src/domain/supply_item.h src/domain/visit.h \
 src/domain/sheet.h src/http/api.h src/http/http.h src/http/jbody.h \
 src/json/jreport.h
src/core/datetime.h:
src/core/err.h:
src/domain/auth.h:
src/core/arena.h:
src/core/crypt.h:
src/domain/demo.h:
src/store/store.h:
src/domain/scope.h:
src/domain/report.h:
src/domain/alert.h:
src/core/ident.h:
src/domain/disinfection.h:
src/domain/inspection.h:
src/domain/outsider.h:
src/domain/request.h:
src/domain/resumption.h:
src/domain/scan.h:
src/core/config.h:
src/domain/screening.h:
src/domain/stay.h:
src/domain/supply_ledger.h:
src/domain/supply_item.h:
src/domain/visit.h:
src/domain/sheet.h:
src/http/api.h:
src/http/http.h:
src/http/jbody.h:
src/json/jreport.h:
