# Runs the built `tabula` program end to end on an SQLite file: a hand-written revision
# upgraded, the schema inspected, the version read, downgraded to base; usage errors and
# their exit codes. Invoked by CTest: cmake -DTABULA=<program> -DWORK=<dir> -P cli_check.cmake
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/migrations")
file(WRITE "${WORK}/migrations/001_gadgets.sql" "-- tabula revision
-- id: a1b2c3d4e5f6
-- parent:
-- message: gadgets

-- upgrade
CREATE TABLE gadgets (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, price REAL CHECK (price >= 0));
CREATE INDEX ix_gadgets_price ON gadgets (price) WHERE price > 100;

-- downgrade
DROP TABLE gadgets;
")
set(url "sqlite:///${WORK}/cli.db")

function(run expected_code expected_output)
  execute_process(COMMAND "${TABULA}" ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT code EQUAL expected_code)
    message(FATAL_ERROR "tabula ${ARGN}: exit ${code}, expected ${expected_code}\n${out}\n${err}")
  endif()
  if(NOT "${out}${err}" MATCHES "${expected_output}")
    message(FATAL_ERROR "tabula ${ARGN}: output lacks '${expected_output}':\n${out}\n${err}")
  endif()
endfunction()

run(0 "usage: tabula" --help)
run(2 "usage: tabula")
run(2 "unknown command" frobnicate)
run(0 "upgrade base -> a1b2c3d4e5f6: gadgets" migrate upgrade --dir "${WORK}/migrations" --url "${url}")
run(0 "a1b2c3d4e5f6 \\(head\\)" migrate current -d "${WORK}/migrations" -u "${url}")
run(0 "index ix_gadgets_price \\(price\\) WHERE price > 100" inspect "${url}")
run(0 "\"name\": \"gadgets\"" inspect "${url}" --json --tables gadgets)
run(0 "struct Gadgets {" codegen "${url}")
run(0 "erDiagram" erd "${url}")
run(2 "needs the application|lists none" migrate check -d "${WORK}/migrations" -u "${url}")
run(3 "no revision zzz" migrate upgrade zzz -d "${WORK}/migrations" -u "${url}")
run(0 "at revision base" migrate downgrade base -d "${WORK}/migrations" -u "${url}")
file(REMOVE_RECURSE "${WORK}")
