// util::LruCache: bounded, forgets the least recently used entry first.
#include <string>

#include <catch2/catch.hpp>

#include "util/lru_cache.h"

TEST_CASE("an LruCache never holds more than its capacity and forgets the least recently used", "[util][lru]") {
  util::LruCache<std::string, int> cache(2);
  cache.Put("a", 1);
  cache.Put("b", 2);
  CHECK(cache.Get("a") == 1);  // "a" is now the most recently used
  cache.Put("c", 3);           // so "b" goes
  CHECK(cache.Size() == 2);
  CHECK_FALSE(cache.Get("b"));
  CHECK(cache.Get("a") == 1);
  CHECK(cache.Get("c") == 3);
  cache.Put("c", 4);  // a replacement takes no room
  CHECK(cache.Size() == 2);
  CHECK(cache.Get("c") == 4);
  for (int i = 0; i < 10000; ++i) cache.Put("k" + std::to_string(i), i);
  CHECK(cache.Size() == 2);
  CHECK(cache.Get("k9999") == 9999);
}
