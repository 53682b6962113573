#include "core/hub/hub.h"

#include "core/hub/digest.h"
#include "core/platform/platform.h"
#include "core/util/durable.h"
#include "core/util/log.h"

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;
using nlohmann::json;

namespace synthembed::hub {

namespace {

// ---------------------------------------------------------------- names and paths

bool isNameChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

/// One part of a repo id as the hub allows it: [A-Za-z0-9._-], no "--" or "..", not starting or
/// ending with '-' or '.', at most 96 characters.
bool validRepoPart(std::string_view s) {
    if (s.empty() || s.size() > 96) return false;
    if (!std::all_of(s.begin(), s.end(), isNameChar)) return false;
    if (s.find("--") != std::string_view::npos || s.find("..") != std::string_view::npos) return false;
    return s.front() != '-' && s.front() != '.' && s.back() != '-' && s.back() != '.';
}

bool validRevision(std::string_view s) {
    if (s.empty() || s.size() > 255 || s.front() == '/' || s.back() == '/') return false;
    for (char c : s)
        if (!isNameChar(c) && c != '/') return false;
    std::size_t pos = 0;
    while (pos <= s.size()) { // no "." or ".." component, no empty component
        std::size_t end = s.find('/', pos);
        if (end == std::string_view::npos) end = s.size();
        auto part = s.substr(pos, end - pos);
        if (part.empty() || part == "." || part == "..") return false;
        pos = end + 1;
    }
    return true;
}

bool isHex(std::string_view s, std::size_t n) {
    return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}
bool isCommitHash(std::string_view s) { return isHex(s, 40); }

/// A file name from the hub's listing, safe to join below a snapshot folder.
bool safeRepoPath(const std::string& f) {
    if (f.empty() || f.front() == '/' || f.find('\\') != std::string::npos || f.find(':') != std::string::npos)
        return false;
    for (const auto& part : fs::path(f))
        if (part == ".." || part == "." || part.empty()) return false;
    return true;
}

/// An ETag as the hub sends it ("...", W/"...") to the blob name huggingface_hub uses.
std::string normalizeEtag(std::string e) {
    if (e.rfind("W/", 0) == 0) e = e.substr(2);
    if (e.size() >= 2 && e.front() == '"' && e.back() == '"') e = e.substr(1, e.size() - 2);
    return e;
}

bool safeBlobName(const std::string& e) {
    return !e.empty() && e.size() <= 200 && e.front() != '.' && std::all_of(e.begin(), e.end(), isNameChar);
}

std::string trim(std::string s) {
    auto ws = [](unsigned char c) { return std::isspace(c); };
    while (!s.empty() && ws(s.back())) s.pop_back();
    std::size_t i = 0;
    while (i < s.size() && ws(s[i])) ++i;
    return s.substr(i);
}

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

std::string readSmallFile(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return {};
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

std::string urlEncode(std::string_view s, bool keepSlash) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keepSlash && c == '/')) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

/// scheme://host[:port] of a URL (lowercase), to send the token to the endpoint's origin only.
std::string origin(const std::string& url) {
    auto scheme = url.find("://");
    if (scheme == std::string::npos) return {};
    auto end = url.find_first_of("/?#", scheme + 3);
    std::string o = url.substr(0, end);
    std::transform(o.begin(), o.end(), o.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return o;
}

std::string mb(std::int64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MB", double(bytes) / 1e6);
    return buf;
}

// ---------------------------------------------------------------- HTTP (libcurl)

struct CurlGlobal {
    CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

struct HttpRequest {
    std::string url;
    bool head = false;
    bool follow = false; ///< follow redirects (libcurl keeps an Authorization header to the first host only)
    std::string token;   ///< sent as Bearer when non-empty
    std::int64_t rangeFrom = 0;
    long timeoutSeconds = 0; ///< whole request; 0 = none (downloads: a stall limit instead)
    /// Body bytes of a 200/206 answer; returning false aborts (write error).
    std::function<bool(long status, const char* data, std::size_t n)> sink;
    std::function<bool()> shouldStop;
};

struct HttpResponse {
    long status = 0;
    CURLcode code = CURLE_OK;
    std::string curlError;
    std::map<std::string, std::string> headers; ///< of the last response, names lowercase
    std::string body;                           ///< without a sink, or of a non-2xx answer (capped)
    bool cancelled = false;
    bool sinkFailed = false;

    std::string header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
};

struct Transfer {
    const HttpRequest* req;
    HttpResponse* resp;
};

size_t onHeader(char* p, size_t size, size_t n, void* ud) {
    auto* t = static_cast<Transfer*>(ud);
    std::string line(p, size * n);
    if (line.rfind("HTTP/", 0) == 0) { // a new response (after a redirect or 100 Continue)
        t->resp->headers.clear();
        auto sp = line.find(' ');
        t->resp->status = sp == std::string::npos ? 0 : std::strtol(line.c_str() + sp + 1, nullptr, 10);
        return size * n;
    }
    auto colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
        t->resp->headers[name] = trim(line.substr(colon + 1));
    }
    return size * n;
}

size_t onBody(char* p, size_t size, size_t n, void* ud) {
    auto* t = static_cast<Transfer*>(ud);
    size_t bytes = size * n;
    long st = t->resp->status;
    if (t->req->sink && (st == 200 || st == 206)) {
        if (!t->req->sink(st, p, bytes)) {
            t->resp->sinkFailed = true;
            return 0;
        }
        return bytes;
    }
    if (t->resp->body.size() < (t->req->sink ? 4096u : 64u << 20)) t->resp->body.append(p, bytes);
    return bytes;
}

int onProgress(void* ud, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto* t = static_cast<Transfer*>(ud);
    if (t->req->shouldStop && t->req->shouldStop()) {
        t->resp->cancelled = true;
        return 1;
    }
    return 0;
}

HttpResponse perform(const HttpRequest& req) {
    static CurlGlobal global;
    HttpResponse resp;
    Transfer t{&req, &resp};
    CURL* e = curl_easy_init();
    if (!e) throw Failure("network", "libcurl could not start a transfer");
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_slist* headers = nullptr;
    std::string auth;
    if (!req.token.empty()) {
        auth = "Authorization: Bearer " + req.token;
        headers = curl_slist_append(headers, auth.c_str());
    }
    headers = curl_slist_append(headers, "Accept-Encoding: identity");
    curl_easy_setopt(e, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "synthembed/" SYNTHEMBED_VERSION);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L); // a stalled transfer fails after a minute
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, 60L);
    if (req.timeoutSeconds > 0) curl_easy_setopt(e, CURLOPT_TIMEOUT, req.timeoutSeconds);
    if (req.head) curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    if (req.follow) {
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(e, CURLOPT_MAXREDIRS, 10L);
    }
    std::string range;
    if (req.rangeFrom > 0) {
        range = std::to_string(req.rangeFrom) + "-";
        curl_easy_setopt(e, CURLOPT_RANGE, range.c_str());
    }
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, onProgress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, &t);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    resp.code = curl_easy_perform(e);
    long code = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
    if (code) resp.status = code;
    if (resp.code != CURLE_OK) resp.curlError = errbuf[0] ? errbuf : curl_easy_strerror(resp.code);
    curl_slist_free_all(headers);
    curl_easy_cleanup(e);
    return resp;
}

/// The hub's own words about a refusal ({"error": "..."} or X-Error-Message), shortened.
std::string hubSays(const HttpResponse& r) {
    std::string msg = r.header("x-error-message");
    if (msg.empty()) {
        try {
            auto j = json::parse(r.body);
            if (j.is_object() && j.contains("error") && j["error"].is_string()) msg = j["error"].get<std::string>();
        } catch (const std::exception&) {
        }
    }
    if (msg.size() > 200) msg = msg.substr(0, 200) + "...";
    return msg.empty() ? std::string() : " (the hub says: " + msg + ")";
}

/// Turns a refused request into a Failure a user can act on. `what` names the repo (and file).
[[noreturn]] void failStatus(const HttpResponse& r, const std::string& what, bool haveToken) {
    if (r.status == 401 || r.status == 403) {
        throw Failure("auth", what + ": access denied (HTTP " + std::to_string(r.status) + "): the repository is gated or private: " +
                                  (haveToken ? "the token in HF_TOKEN has no access to it (accept the model's conditions on its page, or use another token)"
                                             : "set HF_TOKEN to a token with access (and accept the model's conditions on its page)") +
                                  hubSays(r));
    }
    if (r.status == 404)
        throw Failure("not_found", what + ": not found on the hub (HTTP 404)" + hubSays(r) +
                                       (haveToken ? "" : "; a private repository needs HF_TOKEN"));
    throw Failure("hub", what + ": unexpected answer HTTP " + std::to_string(r.status) + hubSays(r));
}

[[noreturn]] void failNetwork(const HttpResponse& r, const std::string& what, const std::string& endpoint) {
    throw Failure("network", what + ": cannot reach " + endpoint + " (" + r.curlError +
                                 "); check the network or HF_ENDPOINT, or set HF_HUB_OFFLINE=1 to use the cache only");
}

// ---------------------------------------------------------------- which files a model needs

const std::set<std::string>& rootFiles() {
    static const std::set<std::string> s = {
        "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
        "special_tokens_map.json", "added_tokens.json", "tokenizer.model", "vocab.txt", "vocab.json",
        "merges.txt", "spiece.model", "sentencepiece.bpe.model", "chat_template.jinja", "modules.json",
        "config_sentence_transformers.json", "sentence_bert_config.json", "adapter_config.json",
        "model.safetensors.index.json"};
    return s;
}

bool hasExt(const std::string& f, const char* ext) {
    std::string e(ext);
    return f.size() > e.size() && f.compare(f.size() - e.size(), e.size(), e) == 0;
}

/// sentence-transformers module folders: "1_Pooling/config.json", "2_Dense/model.safetensors".
bool isModuleFile(const std::string& f) {
    auto slash = f.find('/');
    if (slash == std::string::npos || slash == 0 || !std::isdigit(static_cast<unsigned char>(f[0]))) return false;
    std::size_t i = 0;
    while (i < slash && std::isdigit(static_cast<unsigned char>(f[i]))) ++i;
    if (i >= slash || f[i] != '_') return false;
    return hasExt(f, ".json") || hasExt(f, ".txt") || hasExt(f, ".safetensors") || hasExt(f, ".model");
}

std::vector<std::string> chooseFiles(const std::vector<std::string>& siblings, bool all, const std::string& what) {
    if (all) return siblings;
    std::set<std::string> have(siblings.begin(), siblings.end());
    bool sharded = have.count("model.safetensors.index.json") > 0;
    bool single = have.count("model.safetensors") > 0;
    std::vector<std::string> out;
    bool weights = false;
    for (const auto& f : siblings) {
        bool root = f.find('/') == std::string::npos;
        bool take = false;
        if (root && rootFiles().count(f)) {
            take = true;
        } else if (root && hasExt(f, ".safetensors")) {
            // With an index its shards come from the index; with model.safetensors no other copy.
            take = f == "adapter_model.safetensors" || (!sharded && (!single || f == "model.safetensors"));
        } else if (!root && isModuleFile(f)) {
            take = true;
        }
        if (take) out.push_back(f);
        if (take && hasExt(f, ".safetensors") && f != "adapter_model.safetensors") weights = true;
    }
    if (!weights && !sharded) {
        std::string others;
        for (const auto& f : siblings)
            if (hasExt(f, ".bin") || hasExt(f, ".h5") || hasExt(f, ".onnx") || hasExt(f, ".gguf") || hasExt(f, ".pt"))
                others += (others.empty() ? "" : ", ") + f;
        throw Failure("unsupported", what + " has no .safetensors weights" +
                                         (others.empty() ? std::string() : " (only " + others + ")") +
                                         ": synthembed loads safetensors checkpoints (models pull --all fetches every file)");
    }
    return out;
}

/// The shard names a model.safetensors.index.json lists.
std::vector<std::string> indexShards(const fs::path& index) {
    json j;
    try {
        std::ifstream in(index);
        j = json::parse(in);
    } catch (const std::exception& e) {
        throw Failure("hub", index.string() + ": not valid JSON: " + e.what());
    }
    if (!j.is_object() || !j.contains("weight_map") || !j["weight_map"].is_object())
        throw Failure("hub", index.string() + ": no weight_map object");
    std::set<std::string> shards;
    for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it) {
        if (!it.value().is_string()) throw Failure("hub", index.string() + ": weight_map['" + it.key() + "'] is not a file name");
        std::string s = it.value().get<std::string>();
        if (!safeRepoPath(s) || s.find('/') != std::string::npos)
            throw Failure("hub", index.string() + ": shard '" + s + "' is not a plain file name");
        shards.insert(s);
    }
    return {shards.begin(), shards.end()};
}

// ---------------------------------------------------------------- the cache layout

fs::path snapshotFile(const fs::path& repoDir, const std::string& commit, const std::string& file) {
    return repoDir / "snapshots" / commit / fs::path(file);
}

/// snapshots/<commit>/<file> -> ../../blobs/<etag> (one more ../ per subfolder), as huggingface_hub
/// links them; a copy where the file system refuses symlinks.
void linkSnapshotFile(const fs::path& repoDir, const std::string& commit, const std::string& file,
                      const std::string& etag) {
    fs::path target = snapshotFile(repoDir, commit, file);
    fs::create_directories(target.parent_path());
    std::string rel;
    std::size_t depth = 2 + std::size_t(std::count(file.begin(), file.end(), '/'));
    for (std::size_t i = 0; i < depth; ++i) rel += "../";
    rel += "blobs/" + etag;
    // A name of this process and call: two processes (torchrun's ranks) may link the same file at once,
    // and each must rename its own link (the last rename wins; both point at the same blob).
    static std::atomic<unsigned> counter{0};
    fs::path tmp = target;
    tmp += ".synthembed-link-" + std::to_string(platform::processId()) + "-" + std::to_string(counter++);
    std::error_code ec;
    fs::remove(tmp, ec);
    fs::create_symlink(rel, tmp, ec);
    if (ec) {
        fs::copy_file(repoDir / "blobs" / etag, tmp, fs::copy_options::overwrite_existing, ec);
        if (ec) throw Failure("io", target.string() + ": cannot link or copy the downloaded file: " + ec.message());
        platform::syncFile(tmp);
    }
    durable::renameDurably(tmp, target);
}

std::vector<std::string> listSnapshot(const fs::path& dir) {
    std::vector<std::string> files;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (fs::is_regular_file(it->path()) &&
            it->path().filename().string().find(".synthembed-link") == std::string::npos) // a link being made
            files.push_back(fs::relative(it->path(), dir).generic_string());
    std::sort(files.begin(), files.end());
    return files;
}

// ---------------------------------------------------------------- one pull

struct FileMeta {
    std::string file, etag, commit, downloadUrl;
    std::int64_t size = -1;
    bool lfs = false;
};

class Puller {
  public:
    Puller(const RepoRef& ref, const PullParams& p)
        : m_ref(ref), m_p(p), m_s(p.settings), m_repoDir(repoCacheDir(p.settings, ref.repo, ref.type)) {}

    /// Whether the hub answered the file list (a network error after that is no reason to fall back).
    bool listed() const { return m_listed; }

    Snapshot run() {
        auto [commit, siblings] = fileList();
        m_commit = commit;
        m_listed = true;
        std::set<std::string> inRepo(siblings.begin(), siblings.end());
        const bool model = m_ref.type == RepoType::Model;
        std::vector<std::string> files;
        if (!m_p.files.empty()) {
            for (const auto& f : m_p.files) {
                if (!inRepo.count(f)) {
                    std::string listed;
                    for (std::size_t i = 0; i < siblings.size() && i < 12; ++i) listed += (i ? ", " : "") + siblings[i];
                    if (siblings.size() > 12) listed += ", ...";
                    throw Failure("not_found", m_ref.text() + ": revision " + m_commit + " has no file '" + f +
                                                   "' (it has: " + (listed.empty() ? std::string("no files") : listed) + ")");
                }
                files.push_back(f);
            }
        } else if (!model) {
            files = siblings;
        } else {
            files = chooseFiles(siblings, m_p.allFiles, m_ref.text());
        }
        // An index first: it names the shards that must come with it.
        if (model && m_p.files.empty() && !m_p.allFiles && std::find(files.begin(), files.end(), "model.safetensors.index.json") != files.end()) {
            fetchFiles({"model.safetensors.index.json"});
            for (const auto& s : indexShards(snapshotFile(m_repoDir, m_commit, "model.safetensors.index.json"))) {
                if (!inRepo.count(s))
                    throw Failure("hub", m_ref.text() + ": model.safetensors.index.json names shard " + s +
                                             " that the repository does not have");
                if (std::find(files.begin(), files.end(), s) == files.end()) files.push_back(s);
            }
        }
        fetchFiles(files);
        if (m_ref.revision != m_commit) durable::writeFile(m_repoDir / "refs" / fs::path(m_ref.revision), m_commit);
        Snapshot snap;
        snap.path = m_repoDir / "snapshots" / m_commit;
        snap.commit = m_commit;
        snap.files = files;
        std::sort(snap.files.begin(), snap.files.end());
        snap.bytesDownloaded = m_received;
        return snap;
    }

  private:
    bool dataset() const { return m_ref.type == RepoType::Dataset; }
    std::string repoUrl() const { return m_s.endpoint + (dataset() ? "/datasets/" : "/") + m_ref.repo; }

    std::pair<std::string, std::vector<std::string>> fileList() {
        HttpRequest req;
        req.url = m_s.endpoint + (dataset() ? "/api/datasets/" : "/api/models/") + m_ref.repo + "/revision/" +
                  urlEncode(m_ref.revision, false);
        req.token = m_s.token;
        req.follow = true;
        req.timeoutSeconds = 60;
        req.shouldStop = m_p.hooks.shouldStop;
        auto r = perform(req);
        if (r.cancelled) throw Failure("cancelled", m_ref.text() + ": cancelled");
        if (r.code != CURLE_OK) failNetwork(r, m_ref.text(), m_s.endpoint);
        if (r.status != 200) failStatus(r, m_ref.text(), !m_s.token.empty());
        json j;
        try {
            j = json::parse(r.body);
        } catch (const std::exception&) {
            throw Failure("hub", m_ref.text() + ": the answer of " + m_s.endpoint + "/api/" + (dataset() ? "datasets" : "models") + "/... is not JSON (is HF_ENDPOINT a Hugging Face hub or mirror?)");
        }
        if (!j.is_object() || !j.contains("sha") || !j["sha"].is_string() || !j.contains("siblings") || !j["siblings"].is_array())
            throw Failure("hub", m_ref.text() + ": the hub's answer has no \"sha\" and \"siblings\"");
        std::string sha = j["sha"].get<std::string>();
        if (!safeBlobName(sha)) throw Failure("hub", m_ref.text() + ": the hub's commit id '" + sha + "' is not a plain name");
        std::vector<std::string> siblings;
        for (const auto& s : j["siblings"]) {
            if (!s.is_object() || !s.contains("rfilename") || !s["rfilename"].is_string())
                throw Failure("hub", m_ref.text() + ": a sibling without \"rfilename\" in the hub's answer");
            std::string f = s["rfilename"].get<std::string>();
            if (!safeRepoPath(f)) throw Failure("hub", m_ref.text() + ": the hub lists an unsafe file name '" + f + "'");
            siblings.push_back(f);
        }
        return {sha, siblings};
    }

    /// HEAD /REPO/resolve/COMMIT/FILE: the blob's name (ETag), size and where to download it.
    FileMeta metadata(const std::string& file) {
        std::string what = m_ref.text() + ": " + file;
        std::string url = repoUrl() + "/resolve/" + urlEncode(m_commit, false) + "/" + urlEncode(file, true);
        for (int hop = 0; hop < 5; ++hop) {
            HttpRequest req;
            req.url = url;
            req.head = true;
            req.token = m_s.token;
            req.timeoutSeconds = 60;
            req.shouldStop = m_p.hooks.shouldStop;
            auto r = perform(req);
            if (r.cancelled) throw Failure("cancelled", what + ": cancelled");
            if (r.code != CURLE_OK) failNetwork(r, what, m_s.endpoint);
            std::string location = r.header("location");
            if (r.status >= 300 && r.status < 400 && !location.empty() && location.front() == '/') {
                url = origin(m_s.endpoint) + location; // a renamed repo: ask again there
                continue;
            }
            if (r.status != 200 && !(r.status >= 300 && r.status < 400 && !location.empty())) failStatus(r, what, !m_s.token.empty());
            FileMeta m;
            m.file = file;
            m.downloadUrl = r.status == 200 ? url : location;
            std::string linked = r.header("x-linked-etag");
            m.lfs = !linked.empty();
            m.etag = normalizeEtag(linked.empty() ? r.header("etag") : linked);
            if (m.etag.empty())
                throw Failure("hub", what + ": the answer has no ETag (is HF_ENDPOINT a Hugging Face hub or mirror?)");
            if (!safeBlobName(m.etag)) throw Failure("hub", what + ": the ETag '" + m.etag + "' is not a plain name");
            std::string size = r.header("x-linked-size");
            if (size.empty()) size = r.header("content-length");
            if (!size.empty()) m.size = std::strtoll(size.c_str(), nullptr, 10);
            m.commit = r.header("x-repo-commit");
            if (!m.commit.empty() && m.commit != m_commit)
                log::warn(what, ": the hub serves it from commit ", m.commit, " while the file list is of ", m_commit);
            return m;
        }
        throw Failure("hub", what + ": too many redirects");
    }

    void fetchFiles(const std::vector<std::string>& files) {
        std::vector<FileMeta> todo;
        for (const auto& f : files) {
            std::error_code ec;
            if (fs::exists(snapshotFile(m_repoDir, m_commit, f), ec)) continue; // already in this snapshot
            todo.push_back(metadata(f));
        }
        if (todo.empty()) return;
        std::int64_t total = 0;
        for (const auto& m : todo) total += std::max<std::int64_t>(m.size, 0);
        log::info("downloading ", todo.size(), " file(s) of ", m_ref.text(), " (commit ", m_commit, ", ", mb(total),
                  ") into ", m_repoDir.string());
        m_total += total;
        for (const auto& m : todo) {
            download(m);
            linkSnapshotFile(m_repoDir, m_commit, m.file, m.etag);
        }
    }

    void report(std::int64_t fileBytes, const std::string& file) {
        m_p.hooks.report(m_doneFiles + fileBytes, m_total, file);
    }

    /// blobs/<etag>, resumed from blobs/<etag>.incomplete, verified, then renamed into place.
    void download(const FileMeta& m) {
        std::string what = m_ref.text() + ": " + m.file;
        fs::path blobs = m_repoDir / "blobs";
        fs::create_directories(blobs);
        fs::path blob = blobs / m.etag;
        // One writer per blob across processes (torchrun's ranks resolving one --model, huggingface_hub):
        // the lock file huggingface_hub uses. Whoever comes second finds the blob complete.
        platform::FileLock lock(m_s.cacheDir / ".locks" / m_repoDir.filename() / (m.etag + ".lock"));
        std::error_code ec;
        if (fs::exists(blob, ec) && (m.size < 0 || std::int64_t(fs::file_size(blob, ec)) == m.size)) {
            m_doneFiles += std::max<std::int64_t>(m.size, 0);
            return; // the same content under another name or revision
        }
        fs::path part = blob;
        part += ".incomplete";
        bool verify = m.lfs && isHex(m.etag, 64);
        if (m.lfs && !verify) log::warn(what, ": its ETag is not a sha256; the download is checked by size only");
        for (int attempt = 0;; ++attempt) {
            std::int64_t have = fs::exists(part, ec) ? std::int64_t(fs::file_size(part, ec)) : 0;
            if (m.size >= 0 && have > m.size) {
                fs::remove(part, ec);
                have = 0;
            }
            Sha256 hash;
            if (verify && have > 0) hashFile(part, hash, have);
            if (have > 0) log::info(what, ": resuming at byte ", have);
            HttpResponse r;
            if (m.size < 0 || have < m.size || m.size == 0) {
                std::FILE* f = std::fopen(part.string().c_str(), have > 0 ? "ab" : "wb");
                if (!f) throw Failure("io", part.string() + ": cannot write");
                std::int64_t written = have;
                bool first = true;
                HttpRequest req;
                req.url = m.downloadUrl;
                req.follow = true;
                // The token goes to the endpoint only, never to a CDN it redirects to.
                if (origin(m.downloadUrl) == origin(m_s.endpoint)) req.token = m_s.token;
                req.rangeFrom = have;
                req.shouldStop = m_p.hooks.shouldStop;
                req.sink = [&](long status, const char* data, std::size_t n) {
                    if (first) {
                        first = false;
                        if (status == 200 && have > 0) { // the server ignored the range: start over
                            if (!std::freopen(part.string().c_str(), "wb", f)) return false;
                            hash = Sha256();
                            written = 0;
                        }
                    }
                    if (std::fwrite(data, 1, n, f) != n) return false;
                    if (verify) hash.update(data, n);
                    written += std::int64_t(n);
                    m_received += std::int64_t(n);
                    report(written, m.file);
                    return !(m.size >= 0 && written > m.size);
                };
                report(have, m.file);
                r = perform(req);
                bool closeFailed = f ? std::fclose(f) != 0 : true;
                if (r.cancelled) throw Failure("cancelled", what + ": download cancelled (the part fetched is kept; run again to resume)");
                if (closeFailed || (r.sinkFailed && !(m.size >= 0 && written > m.size)))
                    throw Failure("io", part.string() + ": write failed (disk full?)");
                if (r.status == 416) { // our part does not fit the file any more
                    fs::remove(part, ec);
                    if (attempt < m_p.retries) continue;
                }
                if (r.code == CURLE_OK && r.status != 200 && r.status != 206) failStatus(r, what, !req.token.empty());
                if (r.code != CURLE_OK && !r.sinkFailed) {
                    std::int64_t got = fs::exists(part, ec) ? std::int64_t(fs::file_size(part, ec)) : 0;
                    if (attempt < m_p.retries) {
                        log::warn(what, ": connection lost after ", got, " of ", m.size, " bytes (", r.curlError,
                                  "); resuming");
                        std::this_thread::sleep_for(std::chrono::milliseconds(250 * (attempt + 1)));
                        continue;
                    }
                    throw Failure("network", what + ": connection lost after " + std::to_string(got) + " of " +
                                                 std::to_string(m.size) + " bytes (" + r.curlError + "); the part is kept in " +
                                                 part.string() + ": run again to resume");
                }
            }
            std::int64_t got = std::int64_t(fs::file_size(part, ec));
            if (m.size >= 0 && got != m.size) {
                if (got < m.size && attempt < m_p.retries) continue;
                fs::remove(part, ec);
                throw Failure(got > m.size ? "corrupt" : "network",
                              what + ": received " + std::to_string(got) + " bytes, the hub announced " +
                                  std::to_string(m.size) + "; the download was removed: run again");
            }
            if (verify) {
                std::string digest = hash.hexDigest();
                if (digest != m.etag) {
                    fs::remove(part, ec);
                    throw Failure("corrupt", what + ": sha256 mismatch (expected " + m.etag + ", got " + digest +
                                                  "): the download is corrupt and was removed; run again");
                }
            }
            platform::syncFile(part);
            durable::renameDurably(part, blob);
            m_doneFiles += std::max<std::int64_t>(m.size, got);
            report(0, m.file);
            return;
        }
    }

    RepoRef m_ref;
    const PullParams& m_p;
    const HubSettings& m_s;
    fs::path m_repoDir;
    std::string m_commit;
    std::int64_t m_total = 0, m_doneFiles = 0, m_received = 0;
    bool m_listed = false;
};

bool truthy(std::string v) {
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    return v == "1" || v == "ON" || v == "YES" || v == "TRUE";
}

} // namespace

std::string RepoRef::text() const {
    std::string t = (type == RepoType::Dataset ? "datasets/" : "") + repo;
    return revision == "main" ? t : t + "@" + revision;
}

std::optional<RepoRef> parseRepoRef(std::string_view text) {
    RepoRef r;
    auto at = text.find('@');
    std::string_view id = text.substr(0, at);
    if (at != std::string_view::npos) {
        std::string_view rev = text.substr(at + 1);
        if (!validRevision(rev)) return std::nullopt;
        r.revision = std::string(rev);
    }
    auto slash = id.find('/');
    if (slash == std::string_view::npos || id.find('/', slash + 1) != std::string_view::npos) return std::nullopt;
    if (!validRepoPart(id.substr(0, slash)) || !validRepoPart(id.substr(slash + 1))) return std::nullopt;
    r.repo = std::string(id);
    return r;
}

HubSettings HubSettings::fromEnvironment() {
    HubSettings s;
    std::string home = env("HOME");
    if (home.empty()) home = env("USERPROFILE");
    std::string xdg = env("XDG_CACHE_HOME");
    fs::path hfHome = !env("HF_HOME").empty() ? fs::path(env("HF_HOME"))
                      : !xdg.empty()          ? fs::path(xdg) / "huggingface"
                                              : fs::path(home) / ".cache" / "huggingface";
    if (!env("HF_HUB_CACHE").empty()) s.cacheDir = env("HF_HUB_CACHE");
    else if (!env("HUGGINGFACE_HUB_CACHE").empty()) s.cacheDir = env("HUGGINGFACE_HUB_CACHE");
    else s.cacheDir = hfHome / "hub";
    if (!env("HF_ENDPOINT").empty()) s.endpoint = env("HF_ENDPOINT");
    while (!s.endpoint.empty() && s.endpoint.back() == '/') s.endpoint.pop_back();
    s.token = trim(env("HF_TOKEN"));
    if (s.token.empty()) s.token = trim(env("HUGGING_FACE_HUB_TOKEN"));
    if (s.token.empty()) {
        fs::path tokenFile = !env("HF_TOKEN_PATH").empty() ? fs::path(env("HF_TOKEN_PATH")) : hfHome / "token";
        s.token = trim(readSmallFile(tokenFile));
    }
    s.offline = truthy(env("HF_HUB_OFFLINE"));
    return s;
}

fs::path repoCacheDir(const HubSettings& settings, const std::string& repo, RepoType type) {
    std::string name = (type == RepoType::Dataset ? "datasets--" : "models--") + repo;
    for (std::size_t p = 0; (p = name.find('/', p)) != std::string::npos;) name.replace(p, 1, "--");
    return settings.cacheDir / name;
}

std::string modelFolderProblem(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return "no folder " + dir.string();
    if (!fs::exists(dir / "config.json", ec)) return "no config.json";
    fs::path index = dir / "model.safetensors.index.json";
    if (fs::exists(index, ec)) {
        std::vector<std::string> shards;
        try {
            shards = indexShards(index);
        } catch (const Failure& f) {
            return f.what();
        }
        for (const auto& s : shards)
            if (!fs::exists(dir / s, ec)) return "shard " + s + " (named by model.safetensors.index.json) is missing";
        return {};
    }
    if (fs::exists(dir / "model.safetensors", ec)) return {};
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
        if (it->path().extension() == ".safetensors" && fs::exists(it->path())) return {};
    return "no safetensors weights";
}

namespace {

/// The cached snapshot of `ref`; `problem` says why it is incomplete (empty when it is not).
Result<Snapshot> findSnapshot(const RepoRef& ref, const HubSettings& settings,
                              const std::function<std::string(const fs::path&)>& problemOf) {
    return guarded([&]() -> Snapshot {
        fs::path repoDir = repoCacheDir(settings, ref.repo, ref.type);
        std::error_code ec;
        if (!fs::is_directory(repoDir, ec))
            throw Failure("not_cached", ref.repo + " is not in the Hugging Face cache (" + repoDir.string() + ")");
        std::string commit;
        if (isCommitHash(ref.revision) && fs::is_directory(repoDir / "snapshots" / ref.revision, ec)) {
            commit = ref.revision;
        } else {
            commit = trim(readSmallFile(repoDir / "refs" / fs::path(ref.revision)));
            if (commit.empty())
                throw Failure("not_cached", ref.text() + ": the Hugging Face cache (" + repoDir.string() +
                                                ") has no revision '" + ref.revision + "'");
            if (!safeBlobName(commit))
                throw Failure("io", (repoDir / "refs" / ref.revision).string() + ": not a commit id");
        }
        Snapshot snap;
        snap.commit = commit;
        snap.path = repoDir / "snapshots" / commit;
        if (!fs::is_directory(snap.path, ec))
            throw Failure("not_cached", ref.text() + ": no snapshot " + snap.path.string() + " in the Hugging Face cache");
        std::string problem = problemOf(snap.path);
        if (!problem.empty())
            throw Failure("incomplete", ref.text() + " in the Hugging Face cache (" + snap.path.string() + ") is incomplete: " + problem);
        snap.files = listSnapshot(snap.path);
        return snap;
    }, "io");
}

std::string missingFile(const fs::path& dir, const std::vector<std::string>& files) {
    std::error_code ec;
    for (const auto& f : files)
        if (!safeRepoPath(f) || !fs::exists(dir / fs::path(f), ec)) return "no file " + f;
    return {};
}

/// What a pull with these params needs of a cached snapshot.
Result<Snapshot> findCachedFor(const RepoRef& ref, const PullParams& params) {
    if (!params.files.empty() || ref.type != RepoType::Model) return findCached(ref, params.settings, params.files);
    return findCached(ref, params.settings);
}

} // namespace

Result<Snapshot> findCached(const RepoRef& ref, const HubSettings& settings) {
    return findSnapshot(ref, settings, [](const fs::path& dir) { return modelFolderProblem(dir); });
}

Result<Snapshot> findCached(const RepoRef& ref, const HubSettings& settings, const std::vector<std::string>& files) {
    return findSnapshot(ref, settings, [&](const fs::path& dir) { return missingFile(dir, files); });
}

Result<Snapshot> pull(const RepoRef& ref, const PullParams& params) {
    return guarded([&]() -> Snapshot {
        if (params.settings.offline) {
            auto cached = findCachedFor(ref, params);
            if (cached) return std::move(cached).take();
            throw Failure("offline", "HF_HUB_OFFLINE is set and " + cached.error().message +
                                         (ref.type == RepoType::Dataset
                                              ? std::string(": download it where the hub can be reached")
                                              : ": run `synthembed-cli models pull " + ref.text() + "` where the hub can be reached"));
        }
        Puller puller(ref, params);
        try {
            return puller.run();
        } catch (const Failure& f) {
            if (f.code() != "network" || puller.listed()) throw;
            auto cached = findCachedFor(ref, params); // as huggingface_hub does without a network
            if (!cached) throw;
            log::warn(f.what(), "; using the cached snapshot ", cached->path.string());
            return std::move(cached).take();
        } catch (const fs::filesystem_error& e) {
            throw Failure("io", e.what());
        }
    }, "io");
}

LocalModel locateModel(const std::string& reference, const HubSettings& settings) {
    LocalModel m;
    const std::string text = trim(reference);
    if (text.empty()) {
        m.message = "no model given (a folder or a Hugging Face repo id ORG/NAME[@revision])";
        return m;
    }
    std::error_code ec;
    if (fs::exists(text, ec)) {
        m.kind = LocalModel::Kind::Folder;
        m.path = text;
        return m;
    }
    m.repo = parseRepoRef(text);
    if (!m.repo) {
        m.message = text + ": no such model folder, nor a Hugging Face repo id (ORG/NAME[@revision])";
        return m;
    }
    auto cached = findCached(*m.repo, settings);
    if (cached) {
        m.kind = LocalModel::Kind::CachedRepo;
        m.path = cached->path;
        m.commit = cached->commit;
        return m;
    }
    m.kind = cached.error().code == "incomplete" ? LocalModel::Kind::Incomplete : LocalModel::Kind::NotCached;
    m.message = cached.error().message;
    return m;
}

Result<fs::path> resolveModel(const std::string& reference, const PullParams& params) {
    return guarded([&]() -> fs::path {
        if (reference.empty()) throw Failure("usage", "no model given (a folder or a Hugging Face repo id ORG/NAME[@revision])");
        std::error_code ec;
        if (fs::exists(reference, ec)) return fs::path(reference);
        auto ref = parseRepoRef(reference);
        if (!ref)
            throw Failure("io", reference + ": no such model folder, nor a Hugging Face repo id (ORG/NAME[@revision])");
        auto cached = findCached(*ref, params.settings);
        if (cached) {
            log::info(ref->text(), ": using the Hugging Face cache ", cached->path.string());
            return cached->path;
        }
        if (params.settings.offline)
            throw Failure("offline", "HF_HUB_OFFLINE is set and " + cached.error().message +
                                         ": run `synthembed-cli models pull " + ref->text() + "` where the hub can be reached");
        auto pulled = pull(*ref, params);
        if (!pulled) throw Failure(pulled.error().code, pulled.error().message);
        std::string problem = modelFolderProblem(pulled->path);
        if (!problem.empty())
            throw Failure("incomplete", ref->text() + " (" + pulled->path.string() + ") is not a model folder synthembed can load: " + problem);
        return pulled->path;
    }, "io");
}

} // namespace synthembed::hub
