#pragma once
// The one model the header-use checks share. Includes nothing: each check includes exactly one
// public header first, so whatever it uses must come from that header.
struct header_item {
  long long id = 0;
  int count = 0;
};
