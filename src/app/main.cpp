#include "app/cli.h"

int main(int argc, char** argv) { return callboard::RunCli(argc, argv); }
