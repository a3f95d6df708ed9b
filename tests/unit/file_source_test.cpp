#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "core/error.hpp"
#include "source/file_source.hpp"
#include "support/run.hpp"

using namespace keyfence;
namespace fs = std::filesystem;

namespace {
std::vector<std::string> listed(const source::FileSource& src, const fs::path& root) {
    std::vector<std::string> out;
    auto reader = src.make_reader();
    std::string buf;
    Input in;
    std::vector<Diagnostic> diags;
    for (std::size_t i = 0; i < src.job_count(); ++i)
        if (reader->load(i, buf, in, diags) == source::LoadStatus::kLoaded) out.push_back(fs::path(in.path).lexically_relative(root).string());
    std::sort(out.begin(), out.end());
    return out;
}
}  // namespace

TEST_CASE("directory walk: recursive, skips .git, does not follow symlinked directories (no loops)") {
    test::TempDir dir;
    dir.write("a.txt", "a");
    dir.write("sub/b.txt", "b");
    dir.write(".git/config", "x");
    dir.write("sub/.git", "gitdir: elsewhere");
    fs::create_directory_symlink(dir.path(), dir.path() / "sub" / "loop");
    fs::create_symlink(dir.path() / "a.txt", dir.path() / "link.txt");
    fs::create_symlink(dir.path() / "missing", dir.path() / "broken");
    source::FileSource src({dir.path().string()}, 1 << 20);
    CHECK(listed(src, dir.path()) == std::vector<std::string>{"a.txt", "link.txt", "sub/b.txt"});
    REQUIRE(src.enumeration_diagnostics().size() == 1);
    CHECK(src.enumeration_diagnostics()[0].message == "broken symlink");
}

TEST_CASE("a file deleted after enumeration becomes a diagnostic; the rest still loads") {
    test::TempDir dir;
    dir.write("keep.txt", "k");
    const auto gone = dir.write("gone.txt", "g");
    source::FileSource src({dir.path().string()}, 1 << 20);
    fs::remove(gone);
    auto reader = src.make_reader();
    std::string buf;
    Input in;
    std::vector<Diagnostic> diags;
    int loaded = 0;
    for (std::size_t i = 0; i < src.job_count(); ++i) loaded += reader->load(i, buf, in, diags) == source::LoadStatus::kLoaded;
    CHECK(loaded == 1);
    REQUIRE(diags.size() == 1);
    CHECK(diags[0].message.find("cannot open") != std::string::npos);
}

TEST_CASE("files over the size limit are skipped with a note, never silently") {
    test::TempDir dir;
    dir.write("big.bin", std::string(2000, 'x'));
    source::FileSource src({dir.path().string()}, 1000);
    auto reader = src.make_reader();
    std::string buf;
    Input in;
    std::vector<Diagnostic> diags;
    CHECK(reader->load(0, buf, in, diags) == source::LoadStatus::kSkipped);
    REQUIRE(diags.size() == 1);
    CHECK(diags[0].message.find("max-file-size") != std::string::npos);
}

TEST_CASE("a named path that does not exist is an error") {
    CHECK_THROWS_AS(source::FileSource({"/nonexistent/keyfence/path"}, 100), Error);
}

TEST_CASE("each loaded file is exactly its own bytes, whatever size the file before it had") {
    // One reader reuses its buffer: a small file after a large one must not show the large one's tail,
    // and a file past the buffer's first size (2 MiB) must arrive whole.
    test::TempDir dir;
    std::string big(5 << 20, 'b');
    big.back() = 'Z';
    const std::vector<std::pair<std::string, std::string>> files = {
        {"1-small.txt", "small"}, {"2-big.bin", big}, {"3-tiny.txt", "t"}, {"4-empty.txt", ""}, {"5-mid.txt", std::string(3 << 20, 'm')}};
    for (const auto& [name, body] : files) dir.write(name, body);
    source::FileSource src({dir.path().string()}, 64 << 20);
    auto reader = src.make_reader();
    std::string buf;
    Input in;
    std::vector<Diagnostic> diags;
    std::vector<std::pair<std::string, std::string>> got;
    for (std::size_t i = 0; i < src.job_count(); ++i) {
        REQUIRE(reader->load(i, buf, in, diags) == source::LoadStatus::kLoaded);
        got.emplace_back(fs::path(in.path).filename().string(), std::string(in.content));
    }
    std::sort(got.begin(), got.end());
    CHECK(got == files);
    CHECK(diags.empty());
}
