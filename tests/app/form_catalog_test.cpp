// The request types behind the forms: read once, kept an hour, read again
// after SIGHUP; a failure is not kept; check's description of each.
#include "app/form_catalog.h"

#include <catch2/catch.hpp>

#include "fake_helpdesk.h"

namespace {

using bridge::FieldKind;

bridge::RequestType Typed(const std::string& type_id, const std::string& name) {
  bridge::RequestType type{{"3", type_id}, name, {}};
  type.fields.push_back({"summary", "Summary", FieldKind::kText, true, 255, {}, "string"});
  type.fields.push_back({"priority", "Priority", FieldKind::kSelect, true, 0, {{"3", "Medium"}}, "priority"});
  type.fields.push_back({"customfield_7", "Manager", FieldKind::kUnsupported, false, 0, {}, "userpicker"});
  return type;
}

}  // namespace

TEST_CASE("the catalog reads a request type once an hour, again after Clear, and never keeps a failure",
          "[app][forms]") {
  fake::FakeHelpdesk helpdesk;
  helpdesk.SetRequestType(Typed("10", "Get IT help"));
  util::TimePoint now{};
  app::FormCatalog catalog(helpdesk, [&now] { return now; });
  bridge::RequestTarget target{"3", "10"};

  REQUIRE(catalog.Get(target));
  CHECK(catalog.Get(target)->name == "Get IT help");
  CHECK(helpdesk.CountCalls("RequestTypeForm") == 1);

  // An admin renames it: seen once the copy is an hour old.
  helpdesk.SetRequestType(Typed("10", "IT help"));
  now += app::FormCatalog::kMaxAge - util::Millis(1);
  CHECK(catalog.Get(target)->name == "Get IT help");
  now += util::Millis(1);
  CHECK(catalog.Get(target)->name == "IT help");
  CHECK(helpdesk.CountCalls("RequestTypeForm") == 2);

  catalog.Clear();  // SIGHUP
  helpdesk.FailNext("RequestTypeForm", util::Error{util::ErrorCode::kNetwork, "down", 0, false});
  CHECK_FALSE(catalog.Get(target));
  CHECK(catalog.Get(target)->name == "IT help");  // the failure was not kept
  CHECK(helpdesk.CountCalls("RequestTypeForm") == 4);
}

TEST_CASE("check describes a form by what it asks, and fails on a required field no form can ask for",
          "[app][forms]") {
  bridge::RequestType type = Typed("10", "Get IT help");
  auto described = app::DescribeForm(type);
  REQUIRE(described);
  CHECK(*described ==
        "'Get IT help': the form asks for Summary (text, required), Priority (select, required); 1 optional field(s) "
        "it cannot ask for are left out");
  type.fields.back().required = true;
  auto refused = app::DescribeForm(type);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message ==
        "request type 'Get IT help' requires the field 'Manager' (customfield_7, of type userpicker), which a Slack "
        "form cannot ask for: make it optional or route the channel elsewhere");
  CHECK(app::UnofferableNotice(type, type.fields.back()).find("\"Manager\"") != std::string::npos);
}
