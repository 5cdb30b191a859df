// SPDX-License-Identifier: MIT
#include "schema/json_schema.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <utility>

namespace overt::schema {

using nlohmann::json;

namespace {

// Deeper than any sane config schema; stops `{"$ref": "#"}` style loops.
constexpr int kMaxDepth = 128;

void append_pointer_token(std::string& path, std::string_view token) {
    path += '/';
    for (char c : token) {
        if (c == '~') {
            path += "~0";
        } else if (c == '/') {
            path += "~1";
        } else {
            path += c;
        }
    }
}

// Appends a token to `path` for the scope of one check, then restores it.
class PathScope {
   public:
    PathScope(std::string& path, std::string_view token) : path_(path), size_(path.size()) {
        append_pointer_token(path_, token);
    }
    ~PathScope() { path_.resize(size_); }
    PathScope(const PathScope&) = delete;
    PathScope& operator=(const PathScope&) = delete;

   private:
    std::string& path_;
    size_t size_;
};

bool is_integer(const json& v) {
    if (v.is_number_integer()) return true;
    if (!v.is_number_float()) return false;
    double d = v.get<double>();
    return std::isfinite(d) && std::floor(d) == d;
}

bool matches_type(const json& v, std::string_view type) {
    if (type == "null") return v.is_null();
    if (type == "boolean") return v.is_boolean();
    if (type == "object") return v.is_object();
    if (type == "array") return v.is_array();
    if (type == "string") return v.is_string();
    if (type == "number") return v.is_number();
    if (type == "integer") return is_integer(v);
    return false;
}

std::string type_phrase(std::string_view type) {
    if (type == "null") return "null";
    if (type == "integer" || type == "object" || type == "array") return "an " + std::string(type);
    return "a " + std::string(type);
}

size_t code_points(const std::string& s) {
    return static_cast<size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string number_text(const json& n) { return n.dump(); }

// Integers exactly; otherwise the quotient is a whole number up to rounding (0.0075 / 0.0001
// is 75.00000000000001 in doubles).
bool is_multiple_of(const json& value, const json& divisor) {
    if (value.is_number_integer() && divisor.is_number_integer()) {
        const auto d = divisor.get<int64_t>();
        return d != 0 && value.get<int64_t>() % d == 0;
    }
    const double quotient = value.get<double>() / divisor.get<double>();
    if (!std::isfinite(quotient)) return false;
    return std::fabs(quotient - std::round(quotient)) <= 1e-9 * std::max(1.0, std::fabs(quotient));
}

// http or https, "://", a non-empty host, an optional numeric port, no whitespace.
bool is_http_uri(const std::string& s) {
    if (std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; }))
        return false;
    size_t colon = s.find("://");
    if (colon == std::string::npos) return false;
    std::string scheme = s.substr(0, colon);
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](char c) { return std::tolower(c); });
    if (scheme != "http" && scheme != "https") return false;
    size_t start = colon + 3;
    size_t end = s.find_first_of("/?#", start);
    std::string authority = s.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (size_t at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
    std::string host = authority;
    std::string port;
    if (!authority.empty() && authority.front() == '[') {
        size_t close = authority.find(']');
        if (close == std::string::npos || close == 1) return false;
        host = authority.substr(0, close + 1);
        std::string rest = authority.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return false;
            port = rest.substr(1);
        }
    } else if (size_t c = authority.rfind(':'); c != std::string::npos) {
        host = authority.substr(0, c);
        port = authority.substr(c + 1);
        if (port.empty()) return false;
    }
    if (host.empty()) return false;
    return std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) && std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string short_json(const json& v) {
    std::string text = v.dump();
    if (text.size() > 80) text = text.substr(0, 77) + "...";
    return text;
}

// The first message of each failed branch, for anyOf/oneOf explanations.
std::string branch_summary(const std::vector<std::vector<SchemaError>>& branches) {
    std::string out;
    for (size_t i = 0; i < branches.size(); ++i) {
        if (branches[i].empty()) continue;
        if (!out.empty()) out += "; ";
        out += "[" + std::to_string(i + 1) + "] " + branches[i].front().to_string();
    }
    return out;
}

}  // namespace

std::string SchemaError::to_string() const { return (path.empty() ? std::string("(root)") : path) + ": " + message; }

JsonSchema::JsonSchema(json schema) : schema_(std::move(schema)) {
    compile(schema_, "#", 0);
}

JsonSchema JsonSchema::parse(std::string_view schema_text) {
    json doc = json::parse(schema_text.begin(), schema_text.end(), nullptr, false);
    if (doc.is_discarded()) throw InvalidSchema("schema is not valid JSON");
    return JsonSchema(std::move(doc));
}

const std::regex& JsonSchema::regex_for(const std::string& pattern) const {
    // Every pattern was compiled in compile(); the schema is immutable afterwards.
    return regexes_.find(pattern)->second;
}

const json& JsonSchema::resolve(const std::string& ref) const {
    if (ref == "#" || ref.empty()) return schema_;
    return *refs_.find(ref)->second;
}

void JsonSchema::compile(const json& schema, const std::string& where, int depth) {
    if (depth > kMaxDepth) throw InvalidSchema("schema nested too deeply at " + where);
    if (schema.is_boolean()) return;
    if (!schema.is_object()) throw InvalidSchema("schema at " + where + " must be an object or a boolean");

    auto add_regex = [&](const std::string& pattern, const std::string& at) {
        if (regexes_.count(pattern)) return;
        try {
            regexes_.emplace(pattern, std::regex(pattern, std::regex::ECMAScript));
        } catch (const std::regex_error& e) {
            throw InvalidSchema("bad regular expression \"" + pattern + "\" at " + at + ": " + e.what());
        }
    };

    if (auto it = schema.find("$ref"); it != schema.end()) {
        if (!it->is_string()) throw InvalidSchema("$ref at " + where + " must be a string");
        const std::string ref = it->get<std::string>();
        if (ref.empty() || ref.front() != '#')
            throw InvalidSchema("$ref \"" + ref + "\" at " + where + ": only local references (#/...) are supported");
        if (ref != "#" && !refs_.count(ref)) {
            std::string pointer = percent_decode(std::string_view(ref).substr(1));
            const json* target = nullptr;
            try {
                target = &schema_.at(json::json_pointer(pointer));
            } catch (const json::exception&) {
                throw InvalidSchema("$ref \"" + ref + "\" at " + where + " does not resolve");
            }
            refs_.emplace(ref, target);
        }
    }
    if (auto it = schema.find("type"); it != schema.end()) {
        auto check_name = [&](const json& t) {
            static constexpr std::string_view names[] = {"null",  "boolean", "object", "array",
                                                         "number", "string",  "integer"};
            if (!t.is_string() || std::find(std::begin(names), std::end(names), t.get<std::string>()) == std::end(names))
                throw InvalidSchema("unknown type " + short_json(t) + " at " + where + "/type");
        };
        if (it->is_array()) {
            for (const auto& t : *it) check_name(t);
        } else {
            check_name(*it);
        }
    }
    // Keywords of later drafts would be ignored as unknown here, accepting what their author
    // meant to refuse: the schema is refused instead, naming them.
    for (const char* later : {"dependentRequired", "dependentSchemas", "prefixItems", "unevaluatedProperties",
                              "unevaluatedItems", "minContains", "maxContains", "$dynamicRef", "$recursiveRef"}) {
        if (schema.contains(later))
            throw InvalidSchema(std::string(later) + " at " + where +
                                " is not a draft-07 keyword; overt validates draft-07 (use dependencies, items, ...)");
    }
    if (auto it = schema.find("multipleOf"); it != schema.end() && (!it->is_number() || it->get<double>() <= 0))
        throw InvalidSchema("multipleOf at " + where + " must be a number greater than 0");
    if (auto it = schema.find("pattern"); it != schema.end()) {
        if (!it->is_string()) throw InvalidSchema("pattern at " + where + " must be a string");
        add_regex(it->get<std::string>(), where + "/pattern");
    }
    for (const char* key : {"properties", "patternProperties", "definitions", "$defs", "dependencies"}) {
        auto it = schema.find(key);
        if (it == schema.end()) continue;
        if (!it->is_object()) throw InvalidSchema(std::string(key) + " at " + where + " must be an object");
        for (const auto& [name, sub] : it->items()) {
            std::string at = where;
            append_pointer_token(at, key);
            append_pointer_token(at, name);
            if (std::string_view(key) == "patternProperties") add_regex(name, at);
            if (std::string_view(key) == "dependencies" && sub.is_array()) continue;  // property list
            compile(sub, at, depth + 1);
        }
    }
    for (const char* key : {"additionalProperties", "additionalItems", "not", "contains", "propertyNames", "if",
                            "then", "else"}) {
        if (auto it = schema.find(key); it != schema.end()) compile(*it, where + "/" + key, depth + 1);
    }
    if (auto it = schema.find("items"); it != schema.end()) {
        if (it->is_array()) {
            for (size_t i = 0; i < it->size(); ++i) compile((*it)[i], where + "/items/" + std::to_string(i), depth + 1);
        } else {
            compile(*it, where + "/items", depth + 1);
        }
    }
    for (const char* key : {"allOf", "anyOf", "oneOf"}) {
        auto it = schema.find(key);
        if (it == schema.end()) continue;
        if (!it->is_array() || it->empty())
            throw InvalidSchema(std::string(key) + " at " + where + " must be a non-empty array");
        for (size_t i = 0; i < it->size(); ++i)
            compile((*it)[i], where + "/" + key + "/" + std::to_string(i), depth + 1);
    }
    if (auto it = schema.find("required"); it != schema.end()) {
        if (!it->is_array() || !std::all_of(it->begin(), it->end(), [](const json& n) { return n.is_string(); }))
            throw InvalidSchema("required at " + where + " must be an array of strings");
    }
}

std::vector<SchemaError> JsonSchema::validate(const json& instance) const {
    std::vector<SchemaError> errors;
    std::string path;
    check(schema_, instance, path, errors, 0);
    return errors;
}

void JsonSchema::check(const json& schema, const json& instance, std::string& path, std::vector<SchemaError>& errors,
                       int depth) const {
    if (depth > kMaxDepth) {
        errors.push_back({path, "schema recursion too deep (a $ref loop?)"});
        return;
    }
    if (schema.is_boolean()) {
        if (!schema.get<bool>()) errors.push_back({path, "is not allowed here"});
        return;
    }
    // draft-07: a $ref replaces every sibling keyword.
    if (auto ref = schema.find("$ref"); ref != schema.end()) {
        check(resolve(ref->get<std::string>()), instance, path, errors, depth + 1);
        return;
    }

    if (auto it = schema.find("type"); it != schema.end()) {
        bool ok = false;
        std::string expected;
        if (it->is_array()) {
            for (size_t i = 0; i < it->size(); ++i) {
                const std::string name = (*it)[i].get<std::string>();
                ok = ok || matches_type(instance, name);
                if (i > 0) expected += (i + 1 == it->size()) ? " or " : ", ";
                expected += type_phrase(name);
            }
        } else {
            ok = matches_type(instance, it->get<std::string>());
            expected = type_phrase(it->get<std::string>());
        }
        if (!ok) {
            // Further keywords would only repeat the same mistake in other words.
            errors.push_back({path, "must be " + expected});
            return;
        }
    }
    if (auto it = schema.find("enum"); it != schema.end() && it->is_array()) {
        if (std::find(it->begin(), it->end(), instance) == it->end()) {
            std::string allowed;
            for (const auto& v : *it) allowed += (allowed.empty() ? "" : ", ") + short_json(v);
            errors.push_back({path, "must be one of: " + allowed});
        }
    }
    if (auto it = schema.find("const"); it != schema.end() && !(*it == instance)) {
        errors.push_back({path, "must be " + short_json(*it)});
    }

    if (instance.is_number()) {
        const double value = instance.get<double>();
        auto bound = [&](const char* key, auto fails, const char* relation) {
            auto it = schema.find(key);
            if (it != schema.end() && it->is_number() && fails(value, it->template get<double>()))
                errors.push_back({path, std::string("must be ") + relation + " " + number_text(*it)});
        };
        bound("minimum", [](double v, double b) { return v < b; }, ">=");
        bound("maximum", [](double v, double b) { return v > b; }, "<=");
        bound("exclusiveMinimum", [](double v, double b) { return v <= b; }, ">");
        bound("exclusiveMaximum", [](double v, double b) { return v >= b; }, "<");
        if (auto it = schema.find("multipleOf"); it != schema.end() && !is_multiple_of(instance, *it))
            errors.push_back({path, "must be a multiple of " + number_text(*it)});
    }

    if (instance.is_string()) {
        const auto& text = instance.get_ref<const std::string&>();
        if (auto it = schema.find("minLength"); it != schema.end() && it->is_number() &&
                                                 static_cast<double>(code_points(text)) < it->get<double>()) {
            errors.push_back({path, "must be at least " + number_text(*it) + " characters long"});
        }
        if (auto it = schema.find("maxLength"); it != schema.end() && it->is_number() &&
                                                 static_cast<double>(code_points(text)) > it->get<double>()) {
            errors.push_back({path, "must be at most " + number_text(*it) + " characters long"});
        }
        if (auto it = schema.find("pattern"); it != schema.end()) {
            const std::string& pattern = it->get_ref<const std::string&>();
            bool matched = false;
            try {
                matched = std::regex_search(text, regex_for(pattern));
            } catch (const std::regex_error&) {
                // Too complex for std::regex on this input: report rather than accept.
            }
            if (!matched) errors.push_back({path, "must match the pattern \"" + pattern + "\""});
        }
        if (auto it = schema.find("format"); it != schema.end() && *it == "uri" && !is_http_uri(text)) {
            errors.push_back({path, "must be an http:// or https:// URL with a host"});
        }
    }

    if (instance.is_object()) check_object(schema, instance, path, errors, depth);
    if (instance.is_array()) check_array(schema, instance, path, errors, depth);
    check_combinators(schema, instance, path, errors, depth);
}

void JsonSchema::check_object(const json& schema, const json& instance, std::string& path,
                              std::vector<SchemaError>& errors, int depth) const {
    const auto properties = schema.find("properties");
    const auto patterns = schema.find("patternProperties");
    const auto additional = schema.find("additionalProperties");

    if (auto it = schema.find("required"); it != schema.end()) {
        for (const auto& name : *it) {
            const auto& key = name.get_ref<const std::string&>();
            if (!instance.contains(key)) {
                PathScope scope(path, key);
                errors.push_back({path, "is required"});
            }
        }
    }
    auto count_bound = [&](const char* key, bool too_few) {
        auto it = schema.find(key);
        if (it == schema.end() || !it->is_number()) return;
        const double limit = it->get<double>();
        const auto size = static_cast<double>(instance.size());
        if (too_few ? size < limit : size > limit)
            errors.push_back({path, std::string("must have at ") + (too_few ? "least " : "most ") + number_text(*it) +
                                        " keys"});
    };
    count_bound("minProperties", true);
    count_bound("maxProperties", false);
    if (auto dependencies = schema.find("dependencies"); dependencies != schema.end()) {
        for (const auto& [key, needs] : dependencies->items()) {
            if (!instance.contains(key)) continue;
            if (needs.is_array()) {
                for (const auto& other : needs)
                    if (other.is_string() && !instance.contains(other.get<std::string>())) {
                        PathScope scope(path, other.get<std::string>());
                        errors.push_back({path, "is required when \"" + key + "\" is set"});
                    }
            } else {
                check(needs, instance, path, errors, depth + 1);
            }
        }
    }
    const auto names = schema.find("propertyNames");
    for (const auto& [key, value] : instance.items()) {
        if (names != schema.end()) {
            std::vector<SchemaError> name_errors;
            PathScope scope(path, key);
            check(*names, json(key), path, name_errors, depth + 1);
            if (!name_errors.empty())
                errors.push_back({path, "is not an allowed key name (" + name_errors.front().message + ")"});
        }
        bool described = false;
        if (properties != schema.end()) {
            if (auto sub = properties->find(key); sub != properties->end()) {
                described = true;
                PathScope scope(path, key);
                check(*sub, value, path, errors, depth + 1);
            }
        }
        if (patterns != schema.end()) {
            for (const auto& [pattern, sub] : patterns->items()) {
                if (!std::regex_search(key, regex_for(pattern))) continue;
                described = true;
                PathScope scope(path, key);
                check(sub, value, path, errors, depth + 1);
            }
        }
        if (described || additional == schema.end()) continue;
        PathScope scope(path, key);
        if (additional->is_boolean() && !additional->get<bool>()) {
            std::string message = "is not an allowed key";
            if (properties != schema.end() && !properties->empty()) {
                std::string known;
                for (const auto& [name, sub] : properties->items()) known += (known.empty() ? "" : ", ") + name;
                message += " (known keys: " + known + ")";
            }
            errors.push_back({path, message});
        } else {
            check(*additional, value, path, errors, depth + 1);
        }
    }
}

void JsonSchema::check_array(const json& schema, const json& instance, std::string& path,
                             std::vector<SchemaError>& errors, int depth) const {
    if (auto it = schema.find("minItems"); it != schema.end() && it->is_number() &&
                                            static_cast<double>(instance.size()) < it->get<double>()) {
        errors.push_back({path, "must have at least " + number_text(*it) + " items"});
    }
    if (auto it = schema.find("maxItems"); it != schema.end() && it->is_number() &&
                                            static_cast<double>(instance.size()) > it->get<double>()) {
        errors.push_back({path, "must have at most " + number_text(*it) + " items"});
    }
    if (auto it = schema.find("uniqueItems"); it != schema.end() && *it == true) {
        // Sorted copies find equal items in n log n (nlohmann compares 1 and 1.0 as equal).
        std::vector<const json*> sorted;
        sorted.reserve(instance.size());
        for (const auto& item : instance) sorted.push_back(&item);
        std::sort(sorted.begin(), sorted.end(), [](const json* a, const json* b) { return *a < *b; });
        for (size_t i = 1; i < sorted.size(); ++i)
            if (*sorted[i - 1] == *sorted[i]) {
                errors.push_back({path, "must not repeat an item (" + short_json(*sorted[i]) + " appears twice)"});
                break;
            }
    }
    if (auto it = schema.find("contains"); it != schema.end()) {
        bool found = false;
        for (const auto& item : instance) {
            std::vector<SchemaError> item_errors;
            check(*it, item, path, item_errors, depth + 1);
            if (item_errors.empty()) {
                found = true;
                break;
            }
        }
        if (!found) errors.push_back({path, "must contain at least one item matching \"contains\""});
    }
    auto items = schema.find("items");
    if (items == schema.end()) return;
    if (!items->is_array()) {
        for (size_t i = 0; i < instance.size(); ++i) {
            PathScope scope(path, std::to_string(i));
            check(*items, instance[i], path, errors, depth + 1);
        }
        return;
    }
    // Tuple form: positional schemas, then additionalItems for the rest.
    auto additional = schema.find("additionalItems");
    for (size_t i = 0; i < instance.size(); ++i) {
        const json* sub = i < items->size() ? &(*items)[i] : (additional != schema.end() ? &*additional : nullptr);
        if (!sub) break;
        PathScope scope(path, std::to_string(i));
        check(*sub, instance[i], path, errors, depth + 1);
    }
}

void JsonSchema::check_combinators(const json& schema, const json& instance, std::string& path,
                                   std::vector<SchemaError>& errors, int depth) const {
    if (auto it = schema.find("allOf"); it != schema.end()) {
        for (const auto& sub : *it) check(sub, instance, path, errors, depth + 1);
    }
    auto run_branches = [&](const json& list, std::vector<std::vector<SchemaError>>& results) {
        size_t matched = 0;
        for (const auto& sub : list) {
            results.emplace_back();
            check(sub, instance, path, results.back(), depth + 1);
            if (results.back().empty()) ++matched;
        }
        return matched;
    };
    if (auto it = schema.find("anyOf"); it != schema.end()) {
        std::vector<std::vector<SchemaError>> branches;
        if (run_branches(*it, branches) == 0)
            errors.push_back({path, "must match at least one of the allowed forms (" + branch_summary(branches) + ")"});
    }
    if (auto it = schema.find("oneOf"); it != schema.end()) {
        std::vector<std::vector<SchemaError>> branches;
        size_t matched = run_branches(*it, branches);
        if (matched == 0) {
            errors.push_back({path, "must match exactly one of the allowed forms (" + branch_summary(branches) + ")"});
        } else if (matched > 1) {
            errors.push_back({path, "must match exactly one of the allowed forms, but matches " +
                                        std::to_string(matched)});
        }
    }
    if (auto it = schema.find("not"); it != schema.end()) {
        std::vector<SchemaError> inner;
        check(*it, instance, path, inner, depth + 1);
        if (inner.empty()) errors.push_back({path, "must not match the schema under \"not\""});
    }
    if (auto condition = schema.find("if"); condition != schema.end()) {
        std::vector<SchemaError> inner;
        check(*condition, instance, path, inner, depth + 1);
        const auto branch = schema.find(inner.empty() ? "then" : "else");
        if (branch != schema.end()) check(*branch, instance, path, errors, depth + 1);
    }
}

}  // namespace overt::schema
