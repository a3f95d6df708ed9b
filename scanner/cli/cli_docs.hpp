#pragma once
// The manual page and the shell completions, generated from the command line's own definition (CLI11),
// so neither can drift from --help: every subcommand and option is read off the parser. What a parser
// does not know (exit codes, files, environment) is written once, in cli_docs.cpp.
#include <CLI/CLI.hpp>

#include <string>

namespace keyfence::cli {

// keyfence(1) in roff (man -l renders it).
std::string man_page(const CLI::App& app, const std::string& version);

// "bash", "zsh" or "fish"; throws keyfence::Error for another shell.
std::string completion_script(const CLI::App& app, const std::string& shell);

}  // namespace keyfence::cli
