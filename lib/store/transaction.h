// A write transaction on the state file: BEGIN IMMEDIATE … COMMIT. What the
// inbox, the outbox and the links write inside it commits together, with
// one wait for the disk. Same thread rule as Store.
#pragma once

#include <string>

#include "store/store.h"
#include "util/error.h"

namespace store {

// BEGIN IMMEDIATE … COMMIT; rolls back when destroyed uncommitted, so every
// early return leaves the file as it was.
class Transaction {
 public:
  // `store` must outlive this object.
  Transaction(Store& store, const char* operation);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  util::Status Begun() const;
  util::Status Commit();

 private:
  Store& store_;
  const char* operation_;
  bool open_ = false;
  std::string error_;
};

}  // namespace store
