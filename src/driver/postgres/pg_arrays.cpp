// PostgreSQL arrays in the binary format of array_send/array_recv (src/backend/utils/adt/
// arrayfuncs.c): int32 ndim, int32 flags (1: has NULLs), uint32 element type; per dimension
// int32 size and int32 lower bound; then each element as an int32 length (-1: NULL) and its
// bytes in the element type's binary format. An empty array has ndim 0 and nothing after the
// element type. Results in the text format (when another column has a type only text shows)
// are parsed from PostgreSQL's array text.

#include <fmt/format.h>

#include <bit>
#include <cctype>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "../array_elements.hpp"
#include "../driver_text.hpp"
#include "pg_values.hpp"

namespace tabula::detail::pg {
namespace {

constexpr std::size_t header_size = 12;  // ndim, flags, element type
constexpr int max_dims = 6;              // PostgreSQL's MAXDIM

std::int32_t get_i32(const char* p) noexcept { return static_cast<std::int32_t>(load_be32(p)); }

// The layout of a binary array: its dimensions and where its elements start.
struct array_header {
  int ndim = 0;
  unsigned element = 0;
  std::int32_t sizes[max_dims] = {};
  std::int32_t lower[max_dims] = {};
  std::size_t count = 0;  // elements in all
  std::size_t data = 0;   // offset of the first element
};

std::optional<array_header> read_header(std::string_view d) {
  if (d.size() < header_size) return std::nullopt;
  array_header h;
  h.ndim = get_i32(d.data());
  h.element = load_be32(d.data() + 8);
  if (h.ndim < 0 || h.ndim > max_dims || d.size() < header_size + 8 * std::size_t(h.ndim)) {
    return std::nullopt;
  }
  h.count = h.ndim == 0 ? 0 : 1;
  for (int i = 0; i < h.ndim; ++i) {
    h.sizes[i] = get_i32(d.data() + header_size + 8 * std::size_t(i));
    h.lower[i] = get_i32(d.data() + header_size + 8 * std::size_t(i) + 4);
    if (h.sizes[i] < 0) return std::nullopt;
    h.count *= static_cast<std::size_t>(h.sizes[i]);
  }
  h.data = header_size + 8 * std::size_t(h.ndim);
  return h;
}

// Steps through the elements of a binary array; a NULL element has no bytes and `null` set.
struct element_reader {
  std::string_view d;
  std::size_t at;
  bool null = false;
  bool malformed = false;
  std::string_view next() {
    if (d.size() - at < 4) {
      malformed = true;
      return {};
    }
    const std::int32_t len = get_i32(d.data() + at);
    at += 4;
    null = len < 0;
    if (null) return {};
    if (d.size() - at < static_cast<std::size_t>(len)) {
      malformed = true;
      return {};
    }
    const std::string_view bytes = d.substr(at, static_cast<std::size_t>(len));
    at += bytes.size();
    return bytes;
  }
};

// Converts one element (binary or text, of type `element`) to `want` into the scratch vectors;
// false when it does not convert exactly.
bool push_element(const cell& e, array_element want, array_scratch& s) {
  switch (want) {
    case array_element::boolean:
      if (const auto b = to_bool(e)) {
        s.bools.push_back(*b ? 1 : 0);
        return true;
      }
      return false;
    case array_element::int64:
      if (const auto i = to_int64(e)) {
        s.ints.push_back(*i);
        return true;
      }
      return false;
    case array_element::float64:
      if (const auto f = to_double(e)) {
        s.doubles.push_back(*f);
        return true;
      }
      return false;
    default:
      if (!e.binary || is_text_type(e.type)) {
        s.texts.push_back(e.data);
        return true;
      }
      return false;
  }
}

array_value result_of(array_element want, const array_scratch& s) {
  switch (want) {
    case array_element::boolean:
      return {array_element::uint8, s.bools.data(), s.bools.size()};
    case array_element::int64:
      return {array_element::int64, s.ints.data(), s.ints.size()};
    case array_element::float64:
      return {array_element::float64, s.doubles.data(), s.doubles.size()};
    default:
      return {array_element::string_view, s.texts.data(), s.texts.size()};
  }
}

// The usual cases, a double[] read as doubles and a bigint[] as integers: when the elements
// fill the rest of the value exactly (each 8 bytes, none NULL), they are read without a
// conversion call or a bounds check per element.
template <class E>
bool read_words(std::string_view d, std::size_t at, std::size_t count, std::vector<E>& out) {
  if (d.size() - at != count * 12) return false;
  out.resize(count);
  const char* p = d.data() + at;
  for (std::size_t i = 0; i < count; ++i, p += 12) {
    if (load_be32(p) != 8) return false;
    out[i] = std::bit_cast<E>(load_be64(p + 4));
  }
  return true;
}

bool read_same_binary(std::string_view d, const array_header& h, array_element want,
                      array_scratch& s) {
  if (want == array_element::float64 && h.element == float8_oid) {
    return read_words(d, h.data, h.count, s.doubles);
  }
  if (want == array_element::int64 && h.element == int8_oid) {
    return read_words(d, h.data, h.count, s.ints);
  }
  return false;
}

std::optional<std::string> read_binary_array(std::string_view d, array_element want,
                                             array_scratch& s) {
  const auto h = read_header(d);
  if (!h) return std::string("a malformed binary array");
  if (h->ndim > 1) return fmt::format("a {}-dimensional array", h->ndim);
  if (read_same_binary(d, *h, want, s)) return std::nullopt;
  s.clear();
  element_reader r{d, h->data};
  for (std::size_t i = 0; i < h->count; ++i) {
    const cell e{h->element, true, r.next()};
    if (r.null) return std::string("an array with a NULL element");
    if (r.malformed) return std::string("a malformed binary array");
    if (!push_element(e, want, s)) {
      std::string scratch;
      const auto shown = to_text(e, scratch);
      return fmt::format("an array of {} (element {}{})", type_name(h->element), i,
                         shown && shown->size() <= 64 ? fmt::format(": {}", *shown) : "");
    }
  }
  return std::nullopt;
}

bool is_array_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

bool spells_null(std::string_view s) {
  constexpr std::string_view null = "null";
  if (s.size() != null.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != null[i]) return false;
  }
  return true;
}

// PostgreSQL's array text: an optional `[lower:upper]=` decoration, `{`, elements separated
// by commas (quoted with backslash escapes, or bare, where a backslash also escapes and white
// space around is dropped; bare NULL is SQL NULL), `}`. Nested braces are more dimensions.
std::optional<std::string> read_text_array(const cell& c, array_element want, array_scratch& s) {
  std::string_view t = c.data;
  if (!t.empty() && t.front() == '[') {
    const auto eq = t.find('=');
    if (eq == std::string_view::npos) return std::string("a malformed array");
    if (t.substr(0, eq).find("][") != std::string_view::npos) {
      return std::string("a multidimensional array");
    }
    t.remove_prefix(eq + 1);
  }
  if (t.size() < 2 || t.front() != '{' || t.back() != '}') {
    return std::string("a malformed array");
  }
  // Elements of an array type without a reader here (or of text holding an array's text) are
  // read as the text of the type asked for.
  unsigned element = array_element_type(c.type);
  if (element == 0) {
    element = want == array_element::boolean   ? bool_oid
              : want == array_element::int64   ? int8_oid
              : want == array_element::float64 ? float8_oid
                                               : text_oid;
  }
  // Unescaped elements are written to `s.text`, which is never longer than the array's text,
  // so reserving that much keeps views into it valid while it fills.
  s.text.clear();
  s.text.reserve(t.size());
  std::size_t i = 1;
  const std::size_t end = t.size() - 1;
  if (t.substr(1, end - 1).find_first_not_of(" \t\n\r\v\f") == std::string_view::npos) {
    return std::nullopt;  // {}
  }
  for (std::size_t index = 0;; ++index) {
    while (i < end && is_array_space(t[i])) ++i;
    if (i < end && t[i] == '{') return std::string("a multidimensional array");
    const std::size_t from = s.text.size();
    bool quoted = false;
    bool escaped = false;
    if (i < end && t[i] == '"') {
      quoted = true;
      for (++i; i < end && t[i] != '"'; ++i) {
        if (t[i] == '\\' && i + 1 < end) ++i;
        s.text += t[i];
      }
      if (i >= end) return std::string("a malformed array");
      ++i;
      while (i < end && is_array_space(t[i])) ++i;
    } else {
      std::size_t last = from;  // after the last character that is not trailing space
      for (; i < end && t[i] != ','; ++i) {
        if (t[i] == '"' || t[i] == '{' || t[i] == '}') return std::string("a malformed array");
        if (t[i] == '\\' && i + 1 < end) {
          ++i;
          escaped = true;
          s.text += t[i];
          last = s.text.size();
          continue;
        }
        s.text += t[i];
        if (!is_array_space(t[i])) last = s.text.size();
      }
      s.text.resize(last);
    }
    const std::string_view text(s.text.data() + from, s.text.size() - from);
    if (!quoted && !escaped && spells_null(text)) {
      return std::string("an array with a NULL element");
    }
    if (!push_element(cell{element, false, text}, want, s)) {
      return fmt::format("an array of {} (element {}: {})", type_name(element), index,
                         text.substr(0, 64));
    }
    if (i == end) return std::nullopt;
    if (t[i] != ',') return std::string("a malformed array");
    ++i;
  }
}

}  // namespace

unsigned array_element_type(unsigned array_oid) noexcept {
  switch (array_oid) {
    case bool_array_oid:
      return bool_oid;
    case int2_array_oid:
      return int2_oid;
    case int4_array_oid:
      return int4_oid;
    case int8_array_oid:
      return int8_oid;
    case float4_array_oid:
      return float4_oid;
    case float8_array_oid:
      return float8_oid;
    case text_array_oid:
      return text_oid;
    case varchar_array_oid:
      return varchar_oid;
    case bpchar_array_oid:
      return bpchar_oid;
    case name_array_oid:
      return name_oid;
    case numeric_array_oid:
      return numeric_oid;
    default:
      return 0;
  }
}

void array_scratch::clear() noexcept {
  bools.clear();
  ints.clear();
  doubles.clear();
  texts.clear();
}

std::optional<std::string> read_array(const cell& c, array_element want, array_scratch& s,
                                      array_value& out) {
  s.clear();
  auto failed = c.binary ? read_binary_array(c.data, want, s) : read_text_array(c, want, s);
  if (!failed) out = result_of(want, s);
  return failed;
}

// ---- binding

namespace {

void put_header(std::string& out, unsigned element, std::size_t count) {
  out.resize(count == 0 ? header_size : header_size + 8);
  put_be32(out.data(), count == 0 ? 0 : 1);  // ndim
  put_be32(out.data() + 4, 0);               // no NULL
  put_be32(out.data() + 8, element);
  if (count != 0) {
    put_be32(out.data() + 12, static_cast<std::uint32_t>(count));
    put_be32(out.data() + 16, 1);  // lower bound
  }
}

// Elements of a fixed size: the buffer is sized once, then written through a pointer.
// `Each` is the `for_each_*` of the elements' family.
template <std::size_t Size, class Each, class Put>
void put_fixed(std::string& out, const array_value& v, Each each, Put put) {
  std::size_t at = out.size();
  out.resize(at + v.size * (4 + Size));
  char* p = out.data() + at;
  each(v, [&](auto x) {
    put_be32(p, Size);
    put(p + 4, x);
    p += 4 + Size;
  });
}

// Whether an integer is exactly a value of the floating-point type `F`.
template <class F>
bool exact_as(std::int64_t x) {
  const auto f = static_cast<F>(x);
  return f < static_cast<F>(9223372036854775808.0) && static_cast<std::int64_t>(f) == x;
}

// Lambdas rather than functions, so that `put_fixed` inlines them.
constexpr auto put_float4 = [](char* p, double x) {
  put_be32(p, std::bit_cast<std::uint32_t>(static_cast<float>(x)));
};
constexpr auto put_float8 = [](char* p, double x) { put_be64(p, std::bit_cast<std::uint64_t>(x)); };

constexpr auto each_bool = [](const array_value& v, auto&& f) { for_each_bool(v, f); };
constexpr auto each_integer = [](const array_value& v, auto&& f) { for_each_integer(v, f); };
constexpr auto each_double = [](const array_value& v, auto&& f) { for_each_double(v, f); };

}  // namespace

array_encoding encode_array(const array_value& v, unsigned element, std::string& out,
                            std::string& bad) {
  if (v.size > static_cast<std::size_t>(INT32_MAX)) {
    bad = fmt::format("an array of {} elements (more than PostgreSQL's limit)", v.size);
    return array_encoding::bad_element;
  }
  const array_family family = family_of(v.element);
  std::size_t index = 0;
  const auto refuse = [&](auto x, std::string_view why) {
    bad = fmt::format("element {} ({}): {}", index, x, why);
  };
  switch (element) {
    case bool_oid:
      if (family != array_family::boolean) return array_encoding::not_binary;
      put_header(out, element, v.size);
      put_fixed<1>(out, v, each_bool, [](char* p, bool x) { *p = x ? 1 : 0; });
      return array_encoding::done;
    case int2_oid:
    case int4_oid:
    case int8_oid:
    case float4_oid:
    case float8_oid:
      break;
    default:
      if (!is_text_type(element) || family != array_family::text) return array_encoding::not_binary;
      {
        std::size_t bytes = 0;
        for_each_text(v, [&](std::string_view x) { bytes += 4 + x.size(); });
        put_header(out, element, v.size);
        std::size_t at = out.size();
        out.resize(at + bytes);
        for_each_text(v, [&](std::string_view x) {
          put_be32(out.data() + at, static_cast<std::uint32_t>(x.size()));
          if (!x.empty()) std::memcpy(out.data() + at + 4, x.data(), x.size());
          at += 4 + x.size();
        });
      }
      return array_encoding::done;
  }
  // Numbers into numbers, checked as scalar parameters are: integers in range, an integer into
  // a floating-point type only when exact, a double into real only when finite in range.
  if (family == array_family::integer) {
    put_header(out, element, v.size);
    const auto checked = [&](auto fits, std::string_view type) {
      for_each_integer(v, [&](std::int64_t x) {
        if (bad.empty() && !fits(x)) refuse(x, fmt::format("out of range for {}", type));
        ++index;
      });
      return bad.empty();
    };
    const auto in = [](std::int64_t lo, std::int64_t hi) {
      return [lo, hi](std::int64_t x) { return x >= lo && x <= hi; };
    };
    switch (element) {
      case int2_oid:
        if (!checked(in(INT16_MIN, INT16_MAX), "smallint")) return array_encoding::bad_element;
        put_fixed<2>(out, v, each_integer,
                     [](char* p, std::int64_t x) { put_be16(p, static_cast<std::uint16_t>(x)); });
        break;
      case int4_oid:
        if (!checked(in(INT32_MIN, INT32_MAX), "integer")) return array_encoding::bad_element;
        put_fixed<4>(out, v, each_integer,
                     [](char* p, std::int64_t x) { put_be32(p, static_cast<std::uint32_t>(x)); });
        break;
      case int8_oid:
        put_fixed<8>(out, v, each_integer,
                     [](char* p, std::int64_t x) { put_be64(p, static_cast<std::uint64_t>(x)); });
        break;
      case float4_oid:
        if (!checked(exact_as<float>, "real without rounding")) return array_encoding::bad_element;
        put_fixed<4>(out, v, each_integer, put_float4);
        break;
      default:
        if (!checked(exact_as<double>, "double precision without rounding")) {
          return array_encoding::bad_element;
        }
        put_fixed<8>(out, v, each_integer, put_float8);
        break;
    }
    return array_encoding::done;
  }
  if (family != array_family::floating) return array_encoding::not_binary;
  if (element == float8_oid) {
    put_header(out, element, v.size);
    put_fixed<8>(out, v, each_double, put_float8);
    return array_encoding::done;
  }
  if (element == float4_oid) {
    for_each_double(v, [&](double x) {
      if (bad.empty() && std::isfinite(x) && std::fabs(x) > FLT_MAX) {
        refuse(x, "out of range for real");
      }
      ++index;
    });
    if (!bad.empty()) return array_encoding::bad_element;
    put_header(out, element, v.size);
    put_fixed<4>(out, v, each_double, put_float4);
    return array_encoding::done;
  }
  return array_encoding::not_binary;  // doubles into integers: the server decides, as text
}

// ---- as PostgreSQL prints it

bool array_binary_text(std::string_view d, std::string& out) {
  const auto h = read_header(d);
  if (!h) return false;
  out.clear();
  bool bounds = false;
  for (int i = 0; i < h->ndim; ++i) bounds = bounds || h->lower[i] != 1;
  if (bounds) {
    for (int i = 0; i < h->ndim; ++i) {
      fmt::format_to(std::back_inserter(out), "[{}:{}]", h->lower[i],
                     std::int64_t{h->lower[i]} + h->sizes[i] - 1);
    }
    out += '=';
  }
  if (h->count == 0) {
    out += "{}";
    return true;
  }
  element_reader r{d, h->data};
  std::string element;
  std::size_t pos[max_dims] = {};
  for (int i = 0; i < h->ndim; ++i) out += '{';
  for (std::size_t n = 0; n < h->count; ++n) {
    const cell e{h->element, true, r.next()};
    if (r.malformed) return false;
    if (r.null) {
      out += "NULL";
    } else if (h->element == bool_oid) {  // boolout's t and f, where a scalar reads "true"
      if (e.data.size() != 1) return false;
      out += e.data[0] != 0 ? 't' : 'f';
    } else {
      const auto text = to_text(e, element);
      if (!text) return false;
      if (array_text_needs_quotes(*text)) {
        append_quoted_array_element(out, *text);
      } else {
        out += *text;
      }
    }
    // Close the dimensions this element ends, open the ones the next starts.
    int closed = 0;
    for (int i = h->ndim - 1; i >= 0; --i) {
      if (++pos[i] < static_cast<std::size_t>(h->sizes[i])) break;
      pos[i] = 0;
      out += '}';
      ++closed;
    }
    if (n + 1 < h->count) {
      out += ',';
      for (int i = 0; i < closed; ++i) out += '{';
    }
  }
  return true;
}

}  // namespace tabula::detail::pg
