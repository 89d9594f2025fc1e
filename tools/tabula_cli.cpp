/// \file tabula_cli.cpp
/// The installed `tabula` program: the command line without application models (inspect and
/// the migrate verbs that need none). Applications build their own tool with
/// `tabula::migrate::main<Models...>` for `revision --autogenerate` and `check`.

#include <tabula/migrate/cli.hpp>

#if defined(TABULA_CLI_HAVE_SQLITE)
#include <tabula/sqlite.hpp>
#endif
#if defined(TABULA_CLI_HAVE_POSTGRES)
#include <tabula/postgres.hpp>
#endif

int main(int argc, char** argv) { return tabula::migrate::main<>(argc, argv); }
