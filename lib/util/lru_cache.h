// A map of at most `capacity` entries that forgets the least recently used
// one to make room: caches of outside answers (Slack users, workspaces)
// that a storm of distinct keys must not grow without bound. Not
// thread-safe: the owner locks.
#pragma once

#include <cstddef>
#include <list>
#include <optional>
#include <unordered_map>
#include <utility>

namespace util {

template <typename Key, typename Value>
class LruCache {
 public:
  // REQUIRES: capacity > 0.
  explicit LruCache(size_t capacity) : capacity_(capacity) {}

  // The value and marks it as just used; nullopt when absent.
  std::optional<Value> Get(const Key& key) {
    auto found = index_.find(key);
    if (found == index_.end()) return std::nullopt;
    order_.splice(order_.begin(), order_, found->second);
    return found->second->second;
  }

  // Inserts or replaces; the least recently used entry goes when full.
  void Put(const Key& key, Value value) {
    auto found = index_.find(key);
    if (found != index_.end()) {
      found->second->second = std::move(value);
      order_.splice(order_.begin(), order_, found->second);
      return;
    }
    if (index_.size() >= capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
    order_.emplace_front(key, std::move(value));
    index_[key] = order_.begin();
  }

  size_t Size() const { return index_.size(); }

 private:
  using Entry = std::pair<Key, Value>;
  size_t capacity_;
  std::list<Entry> order_;  // most recently used first
  std::unordered_map<Key, typename std::list<Entry>::iterator> index_;
};

}  // namespace util
