#pragma once
/// \file raw_api.hpp
/// Statement builders that `engine` and `connection` share (mixed in with CRTP): each returns
/// a typed statement bound to the engine or connection it was called on.

namespace tabula::detail {

template <class Derived>
class raw_api {
 protected:
  Derived* self() noexcept { return static_cast<Derived*>(this); }
};

}  // namespace tabula::detail
