build2/src/cli/cmd_report.o: src/cli/cmd_report.c src/cli/cli.h \
 src/core/config.h src/core/err.h src/core/crypt.h src/store/store.h \
 src/core/datetime.h src/domain/org.h src/core/arena.h src/domain/scope.h \
 src/domain/report.h src/domain/alert.h src/core/ident.h \
 src/domain/disinfection.h src/domain/inspection.h src/domain/outsider.h \
 src/domain/request.h src/domain/demo.h src/domain/resumption.h \
 src/domain/scan.h src/domain/screening.h src/domain/stay.h \
 src/domain/supply_ledger.h src/domain/supply_item.h src/domain/visit.h \
 src/domain/sheet.h src/json/jreport.h
src/cli/cli.h:
src/core/config.h:
src/core/err.h:
src/core/crypt.h:
src/store/store.h:
src/core/datetime.h:
src/domain/org.h:
src/core/arena.h:
src/domain/scope.h:
src/domain/report.h:
src/domain/alert.h:
src/core/ident.h:
src/domain/disinfection.h:
src/domain/inspection.h:
src/domain/outsider.h:
src/domain/request.h:
src/domain/demo.h:
src/domain/resumption.h:
src/domain/scan.h:
src/domain/screening.h:
src/domain/stay.h:
src/domain/supply_ledger.h:
src/domain/supply_item.h:
src/domain/visit.h:
src/domain/sheet.h:
src/json/jreport.h:
