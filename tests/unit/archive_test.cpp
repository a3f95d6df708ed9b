#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>

#include "decode/archive.hpp"
#include "support/engine_helpers.hpp"
#include "support/fake_keys.hpp"

using namespace keyfence;

namespace {
// An archive built in memory with libarchive: format "zip", "ustar" (tar) and optional gzip filter.
std::string make_archive(const std::string& format, bool gzip, const std::vector<std::pair<std::string, std::string>>& files) {
    archive* a = archive_write_new();
    archive_write_set_format_by_name(a, format.c_str());
    if (gzip) archive_write_add_filter_gzip(a);
    std::string out(4 << 20, '\0');
    size_t used = 0;
    REQUIRE(archive_write_open_memory(a, out.data(), out.size(), &used) == ARCHIVE_OK);
    for (const auto& [name, data] : files) {
        archive_entry* e = archive_entry_new();
        archive_entry_set_pathname(e, name.c_str());
        archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_write_header(a, e);
        archive_write_data(a, data.data(), data.size());
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    out.resize(used);
    return out;
}
std::vector<std::string> paths_of(const std::vector<Finding>& fs) {
    std::vector<std::string> out;
    for (const auto& f : fs) out.push_back(f.path);
    return out;
}
}  // namespace

TEST_CASE("keys inside zip, tar.gz and nested archives are found and named by their inner path") {
    const std::string env = "OPENAI_API_KEY=" + test::openai_project(61) + "\n";
    const std::string zip = make_archive("zip", false, {{"config/.env", env}, {"README", "hello\n"}});
    scan::Worker worker(test::builtin_engine());
    std::vector<Finding> found;
    worker.scan(Input{zip, "bundle.zip", ""}, found);
    CHECK(paths_of(found) == std::vector<std::string>{"bundle.zip!config/.env"});
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == 1);
    CHECK(found[0].column == 16);

    const std::string tgz = make_archive("ustar", true, {{"inner.zip", zip}, {"notes.txt", "t=" + test::base62_crc32_token("ghp", 62) + "\n"}});
    found.clear();
    worker.scan(Input{tgz, "release.tar.gz", ""}, found);
    std::vector<std::string> paths = paths_of(found);
    std::sort(paths.begin(), paths.end());
    CHECK(paths == std::vector<std::string>{"release.tar.gz!inner.zip!config/.env", "release.tar.gz!notes.txt"});
}

TEST_CASE("a lone gzip file is expanded; damaged and oversized archives are notes, not crashes") {
    std::string gz;
    {
        // A gzip stream of one file: libarchive's "raw" format with the gzip filter.
        archive* a = archive_write_new();
        archive_write_set_format_raw(a);
        archive_write_add_filter_gzip(a);
        std::string out(1 << 20, '\0');
        size_t used = 0;
        archive_write_open_memory(a, out.data(), out.size(), &used);
        archive_entry* e = archive_entry_new();
        archive_entry_set_filetype(e, AE_IFREG);
        const std::string body = "key: " + test::anthropic_api03(63) + "\n";
        archive_write_header(a, e);
        archive_write_data(a, body.data(), body.size());
        archive_entry_free(e);
        archive_write_close(a);
        archive_write_free(a);
        gz = out.substr(0, used);
    }
    scan::Worker worker(test::builtin_engine());
    std::vector<Finding> found;
    worker.scan(Input{gz, "dump/notes.txt.gz", ""}, found);
    CHECK(paths_of(found) == std::vector<std::string>{"dump/notes.txt.gz!notes.txt"});

    // Truncated zip: whatever is readable is scanned, the rest is a note.
    const std::string zip = make_archive("zip", false, {{"a.txt", std::string(5000, 'q')}});
    found.clear();
    worker.scan(Input{std::string_view(zip).substr(0, zip.size() / 2), "broken.zip", ""}, found);
    CHECK_FALSE(worker.diagnostics().empty());

    // A member expanding past the limit is skipped with a note (a small zip bomb).
    decode::ArchiveLimits tight;
    tight.max_member_size = 1000;
    std::uint64_t budget = tight.max_total_size;
    std::vector<std::string> notes;
    int members = 0;
    decode::for_each_member(make_archive("zip", false, {{"big.txt", std::string(100000, 'z')}}), "bomb.zip", tight, budget,
                            [&](const std::string&, std::string_view) { ++members; }, notes);
    CHECK(members == 0);
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].find("limits") != std::string::npos);
}

TEST_CASE("archives nest only so deep") {
    std::string inner = make_archive("zip", false, {{"k.txt", "k=" + test::openai_legacy(64) + "\n"}});
    for (int i = 0; i < 4; ++i) inner = make_archive("zip", false, {{"level" + std::to_string(i) + ".zip", inner}});
    scan::Worker worker(test::builtin_engine());
    std::vector<Finding> found;
    worker.scan(Input{inner, "deep.zip", ""}, found);
    CHECK(found.empty());
    bool noted = false;
    for (const auto& d : worker.diagnostics()) noted |= d.message.find("nested too deep") != std::string::npos;
    CHECK(noted);
}
