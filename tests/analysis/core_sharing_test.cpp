// Keys of the same shape share one analysis core (analysis/core.cpp): the sharing must find the
// keys that differ only in the names of the principals they name, refuse every other difference,
// and change no analysis, which the last test checks on every fixture and corpus input.
#include "../loaders/shared_dir.hpp"
#include "analysis/access.hpp"
#include "analysis/analysis_detail.hpp"
#include "analysis/key_roles.hpp"
#include "graph_builders.hpp"
#include "loaders/loaders.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <span>

using namespace tfkms;
using namespace tfkms::analysis;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* k_account = "111122223333";
const std::vector<std::string> k_use = {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*",
                                        "kms:GenerateDataKey*"};

json root_statement() {
  return {{"Effect", "Allow"},
          {"Principal", {{"AWS", "arn:aws:iam::111122223333:root"}}},
          {"Action", "kms:*"},
          {"Resource", "*"}};
}

json use_statement(const std::string& principal_arn, json condition = nullptr) {
  json statement{{"Effect", "Allow"},
                 {"Principal", {{"AWS", principal_arn}}},
                 {"Action", k_use},
                 {"Resource", "*"}};
  if (!condition.is_null())
    statement["Condition"] = std::move(condition);
  return statement;
}

void add_key(model::Graph& graph, const std::string& name, json statements) {
  model::Key key;
  key.source.address = "aws_kms_key." + name;
  key.arn = "arn:aws:kms:us-east-1:111122223333:key/" + name;
  key.account = k_account;
  key.policy.state = model::PolicySource::State::document;
  key.policy.document = json{{"Version", "2012-10-17"}, {"Statement", std::move(statements)}};
  graph.add(std::move(key));
}

model::PolicyId add_policy(model::Graph& graph, const std::string& name, json statement) {
  return test::add_inline_policy(graph, name, json::array({std::move(statement)}));
}

void add_principal(model::Graph& graph, model::PrincipalKind kind, const std::string& name,
                   model::PolicyId policy) {
  model::Principal principal;
  principal.kind = kind;
  principal.name = name;
  principal.account = k_account;
  const std::string type = kind == model::PrincipalKind::user ? "user" : "role";
  principal.arn = "arn:aws:iam::111122223333:" + type + "/" + name;
  principal.source.address = "aws_iam_" + type + "." + name;
  principal.policies = {policy};
  graph.add(std::move(principal));
}

json decrypt_anything() {
  return {{"Effect", "Allow"}, {"Action", "kms:Decrypt"}, {"Resource", "*"}};
}

// Three teams as one module instantiated three times: a key naming its team's role, the role
// allowed to decrypt. The first key differs in shape from the others: the class of unnamed roles
// follows its named role, and comes before theirs.
model::Graph three_teams() {
  model::Graph graph;
  graph.account = k_account;
  graph.region = "us-east-1";
  for (const std::string team : {"team-a", "team-b", "team-c"}) {
    add_principal(graph, model::PrincipalKind::role, team,
                  add_policy(graph, team, decrypt_anything()));
    add_key(graph, team,
            {root_statement(), use_statement("arn:aws:iam::111122223333:role/" + team)});
  }
  return graph;
}

bool shares_core(const model::Graph& graph, model::KeyId first, model::KeyId second) {
  const GraphAccess access(graph);
  return access.analyze(first).detail().core == access.analyze(second).detail().core;
}

// Everything an analysis reports, as text: accesses, what each statement changes, delegation.
std::vector<std::string> report_of(const KeyAccess& access) {
  std::vector<std::string> out;
  for (const Access& item : access.accesses())
    out.push_back(access.text(item));
  for (const auto& statement : access.key_policy().document().statements) {
    const StatementEffect effect = statement_effect(access, statement.index);
    out.push_back("statement " + std::to_string(statement.index));
    for (const Access& item : effect.adds())
      out.push_back("adds " + access.text(item));
    for (const Access& item : effect.removes())
      out.push_back("removes " + access.text(item));
    for (const Ground& ground : effect.covered_by())
      out.push_back("covered by " + ground.text);
  }
  for (const DelegatedAccess& item : delegated_access(
           access, {ActionClass::read, ActionClass::write, ActionClass::administration})) {
    std::string line = "delegated to " + member_label(access.graph(), item.principal) + ":";
    for (const auto action : item.actions)
      line += " " + std::string(action);
    for (const Ground& ground : item.identity_grounds)
      line += "; " + ground.text;
    for (const Ground& ground : item.key_policy_grounds)
      line += "; " + ground.text;
    out.push_back(line);
  }
  return out;
}

constexpr RoleKind k_role_kinds[] = {RoleKind::administers,    RoleKind::destroys,
                                     RoleKind::changes_policy, RoleKind::creates_grants,
                                     RoleKind::reads,          RoleKind::uses};
constexpr UnshownPolicies k_unshown[] = {UnshownPolicies::excluded,
                                         UnshownPolicies::other_accounts_own};

// The roles' actions kept with a core (role_actions()) are those the key's own accesses give.
void check_role_actions(const KeyAccess& kept, const KeyAccess& own) {
  REQUIRE(kept.subjects().size() == own.subjects().size());
  for (std::size_t s = 0; s < own.subjects().size(); ++s) {
    for (const RoleKind kind : k_role_kinds) {
      for (const UnshownPolicies unshown : k_unshown) {
        INFO("subject " << own.subjects()[s].label << " role " << static_cast<int>(kind));
        CHECK(role_actions(kept, s, kind, unshown) ==
              analysis::role(own, s, kind, unshown).actions);
      }
    }
  }
}

std::vector<std::string> texts_of(const KeyAccess& access, std::span<const Access> items) {
  std::vector<std::string> out;
  for (const Access& item : items)
    out.push_back(access.text(item));
  return out;
}

// Keys analysed under one folder, and how many of them reused a core another key had built.
struct SharingTally {
  std::size_t keys = 0;
  std::size_t shared_cores = 0;
};

// Sharing cores and answering without accesses change no analysis of any input under `root`.
SharingTally check_core_sharing_under(const fs::path& root) {
  REQUIRE(fs::exists(root));
  std::vector<fs::path> inputs;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const std::string extension = entry.path().extension().string();
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() &&
        (extension == ".json" || extension == ".yaml" || extension == ".yml") &&
        !name.ends_with(".expected.json")) {
      inputs.push_back(entry.path());
    }
  }
  std::size_t keys = 0, shared_cores = 0;
  for (const fs::path& path : inputs) {
    const auto input = loaders::load_file(path.string(), {});
    if (!input)
      continue; // refused inputs are the loader tests' business
    const model::Graph& graph = input.value().graph;
    const GraphAccess shared(graph);
    std::vector<std::shared_ptr<const detail::Core>> seen;
    for (std::size_t k = 0; k < graph.keys.size(); ++k) {
      INFO(path.string() << " key " << k);
      const KeyAccess with_sharing = shared.analyze(static_cast<model::KeyId>(k));
      const KeyAccess unshared = GraphAccess(graph).analyze(static_cast<model::KeyId>(k));
      CHECK(report_of(with_sharing) == report_of(unshared));
      check_role_actions(with_sharing, unshared);
      // The answers that skip building accesses agree with the accesses.
      for (const ActionClass action_class : k_action_classes) {
        CHECK(with_sharing.has_access(action_class) == !with_sharing.of(action_class).empty());
      }
      // One subject's accesses, built alone or read from all of them, are that subject's among
      // all of them, in the same order.
      const KeyAccess alone = shared.analyze(static_cast<model::KeyId>(k));
      for (std::size_t s = 0; s < alone.subjects().size(); ++s) {
        std::vector<std::string> among_all;
        for (const Access& item : with_sharing.accesses()) {
          if (item.subject == s)
            among_all.push_back(with_sharing.text(item));
        }
        CHECK(texts_of(alone, alone.accesses_of(s)) == among_all);
        CHECK(texts_of(with_sharing, with_sharing.accesses_of(s)) == among_all);
        for (const ActionClass action_class : k_action_classes) {
          const auto of_class = [&](const Access& item) {
            return item.action_class == action_class;
          };
          const auto own = alone.accesses_of(s);
          CHECK(alone.has_access(s, action_class) == std::any_of(own.begin(), own.end(), of_class));
        }
      }
      for (const auto& statement : with_sharing.key_policy().document().statements) {
        const StatementEffect effect = statement_effect(with_sharing, statement.index);
        const bool nothing = effect.changes_nothing();
        CHECK(nothing == (effect.adds().empty() && effect.removes().empty()));
      }
      const auto& core = with_sharing.detail().core;
      shared_cores += std::find(seen.begin(), seen.end(), core) != seen.end() ? 1 : 0;
      seen.push_back(core);
      ++keys;
    }
  }
  return {keys, shared_cores};
}

} // namespace

TEST_CASE(
    "keys that differ only in the roles they name share one core, and each names its own role",
    "[analysis][core]") {
  const model::Graph graph = three_teams();
  CHECK_FALSE(shares_core(graph, model::KeyId{0}, model::KeyId{1}));
  CHECK(shares_core(graph, model::KeyId{1}, model::KeyId{2}));

  const GraphAccess shared(graph);
  const KeyAccess team_b = shared.analyze(model::KeyId{1});
  const KeyAccess team_c = shared.analyze(model::KeyId{2});
  REQUIRE(team_b.detail().core == team_c.detail().core);
  // Evaluated on its own, team c's key gives the same report as with the core of team b's.
  const std::vector<std::string> report = report_of(team_c);
  CHECK(report == report_of(GraphAccess(graph).analyze(model::KeyId{2})));
  CHECK(std::any_of(report.begin(), report.end(), [](const std::string& line) {
    return line.starts_with("aws_iam_role.team-c can every write action (key policy statement 1)");
  }));
  CHECK(std::none_of(report.begin(), report.end(), [](const std::string& line) {
    return line.starts_with("aws_iam_role.team-b can");
  }));
}

namespace {

// One key (naming `principal_arn` for use, under `condition`) and, when `role` is given, that role
// with an inline policy of `statement`.
model::Graph one_key(const std::string& principal_arn, json condition = nullptr,
                     const std::string& role = "", json statement = decrypt_anything(),
                     const std::string& key_arn = "arn:aws:kms:us-east-1:111122223333:key/k") {
  model::Graph graph;
  graph.account = k_account;
  graph.region = "us-east-1";
  if (!role.empty())
    add_principal(graph, model::PrincipalKind::role, role,
                  add_policy(graph, role, std::move(statement)));
  json statements = {root_statement(), use_statement(principal_arn, std::move(condition))};
  add_key(graph, "k", std::move(statements));
  graph.keys.back().arn = key_arn;
  return graph;
}

std::string fingerprint(const model::Graph& graph) {
  return detail::core_fingerprint(GraphAccess(graph).analyze(model::KeyId{0}).detail());
}

const std::string k_team_a = "arn:aws:iam::111122223333:role/team-a";
const std::string k_team_b = "arn:aws:iam::111122223333:role/team-b";

} // namespace

TEST_CASE("a key's core fingerprint leaves out the names of the roles it names, and nothing else",
          "[analysis][core]") {
  CHECK(fingerprint(one_key(k_team_a, nullptr, "team-a")) ==
        fingerprint(one_key(k_team_b, nullptr, "team-b")));
  CHECK(fingerprint(one_key(k_team_a)) == fingerprint(one_key(k_team_b)));

  SECTION("a role and a user of the same name") {
    CHECK(fingerprint(one_key(k_team_a)) !=
          fingerprint(one_key("arn:aws:iam::111122223333:user/team-a")));
  }
  SECTION("a condition on the caller's name that holds for one of them") {
    const json condition = {{"StringEquals", {{"aws:username", "ana"}}}};
    CHECK(fingerprint(one_key("arn:aws:iam::111122223333:user/ana", condition)) !=
          fingerprint(one_key("arn:aws:iam::111122223333:user/bo", condition)));
  }
  SECTION("identity policies that allow different actions") {
    // Shapes are numbered per graph: both graphs hold both policies, in the same order.
    const json encrypt = {{"Effect", "Allow"}, {"Action", "kms:Encrypt"}, {"Resource", "*"}};
    model::Graph decrypting = one_key(k_team_a, nullptr, "team-a");
    add_policy(decrypting, "spare", encrypt);
    model::Graph encrypting;
    encrypting.account = k_account;
    add_policy(encrypting, "spare", decrypt_anything());
    add_principal(encrypting, model::PrincipalKind::role, "team-b",
                  add_policy(encrypting, "team-b", encrypt));
    add_key(encrypting, "k", {root_statement(), use_statement(k_team_b)});
    encrypting.keys.back().arn = decrypting.keys.back().arn;
    CHECK(fingerprint(decrypting) != fingerprint(encrypting));
  }
  SECTION("an identity policy that names the key") {
    const json named_key = {{"Effect", "Allow"},
                            {"Action", "kms:Decrypt"},
                            {"Resource", "arn:aws:kms:us-east-1:111122223333:key/k"}};
    CHECK(fingerprint(one_key(k_team_a, nullptr, "team-a", named_key)) !=
          fingerprint(one_key(k_team_a, nullptr, "team-a", named_key,
                              "arn:aws:kms:us-east-1:111122223333:key/other")));
  }
  SECTION("condition values") {
    CHECK(fingerprint(one_key(
              k_team_a, {{"StringEquals", {{"kms:ViaService", "s3.us-east-1.amazonaws.com"}}}})) !=
          fingerprint(one_key(
              k_team_a, {{"StringEquals", {{"kms:ViaService", "sqs.us-east-1.amazonaws.com"}}}})));
  }
  SECTION("a session of one of the roles") {
    // A role entry matches the role's sessions by name: team-a's session is team-a's, not team-b's.
    const auto with_session = [](const std::string& role) {
      model::Graph graph = one_key(role);
      graph.keys.back().policy.document["Statement"].push_back(
          use_statement("arn:aws:sts::111122223333:assumed-role/team-a/job"));
      return graph;
    };
    CHECK(fingerprint(with_session(k_team_a)) != fingerprint(with_session(k_team_b)));
  }
}

TEST_CASE("a role's actions are kept with the core: shared by keys of one shape, not by others",
          "[analysis][core][roles]") {
  // Team b's key lets its role rewrite the policy too; team c's and team d's only let theirs use
  // the key. The subjects of the last three keys line up (the class of the unnamed roles, then the
  // named one; three_teams() says why team a's differ), so an answer kept by subject alone would
  // carry team b's over to team c.
  model::Graph graph;
  graph.account = k_account;
  graph.region = "us-east-1";
  json rewrite = use_statement(k_team_b);
  rewrite["Action"] = "kms:PutKeyPolicy";
  for (const std::string team : {"team-a", "team-b", "team-c", "team-d"}) {
    add_principal(graph, model::PrincipalKind::role, team,
                  add_policy(graph, team, decrypt_anything()));
    json statements = {root_statement(), use_statement("arn:aws:iam::111122223333:role/" + team)};
    if (team == "team-b")
      statements.push_back(rewrite);
    add_key(graph, team, std::move(statements));
  }
  const GraphAccess shared(graph);
  const KeyAccess team_b = shared.analyze(model::KeyId{1});
  const KeyAccess team_c = shared.analyze(model::KeyId{2});
  const KeyAccess team_d = shared.analyze(model::KeyId{3});
  CHECK(team_b.detail().core != team_c.detail().core);
  REQUIRE(team_c.detail().core == team_d.detail().core);
  const auto named = [](const KeyAccess& access, const std::string& label) {
    const auto& subjects = access.subjects();
    const auto it = std::find_if(subjects.begin(), subjects.end(),
                                 [&](const Subject& s) { return s.label == label; });
    REQUIRE(it != subjects.end());
    return static_cast<std::size_t>(it - subjects.begin());
  };
  const std::size_t b = named(team_b, "aws_iam_role.team-b");
  REQUIRE(b == named(team_c, "aws_iam_role.team-c"));
  CHECK(holds(team_b, b, RoleKind::changes_policy));
  CHECK_FALSE(holds(team_c, b, RoleKind::changes_policy));
  // Team d's answers are team c's, kept with their core, and those its own accesses give.
  CHECK(role_actions(team_c, b, RoleKind::uses) == role_actions(team_d, b, RoleKind::uses));
  check_role_actions(team_d, GraphAccess(graph).analyze(model::KeyId{3}));
  // The delegations kept with the core are named for each key.
  CHECK_FALSE(delegated_access(team_d, {ActionClass::read}).empty());
  CHECK(report_of(team_d) == report_of(GraphAccess(graph).analyze(model::KeyId{3})));
  check_role_actions(team_b, GraphAccess(graph).analyze(model::KeyId{1}));
}

TEST_CASE("sharing cores and answering without accesses change no analysis of any fixture",
          "[analysis][core]") {
  const SharingTally tally = check_core_sharing_under(fs::path(TFKMS_SOURCE_DIR) / "fixtures");
  CHECK(tally.keys > 100);
  CHECK(tally.shared_cores > 0); // some inputs hold keys of one shape
}

TEST_CASE(
    "sharing cores and answering without accesses change no analysis of any shared corpus plan",
    "[analysis][core][shared]") {
  const SharingTally tally =
      check_core_sharing_under(testing::shared_dir() / "corpus" / "terraform-plans");
  CHECK(tally.keys > 15); // 21 when written
}

TEST_CASE("a key analysed as deployed to another account reuses its policy only when it names no "
          "reference",
          "[analysis][core]") {
  model::Graph graph;
  graph.account = std::string(model::k_this_account);
  graph.region = "us-east-1";
  add_key(graph, "literal", {root_statement()});
  add_key(graph, "referring", {root_statement(), use_statement(model::symbol("var.admin_arn"))});
  graph.define("var.admin_arn",
               "arn:aws:iam::" + std::string(model::k_this_account) + ":role/admin");
  const model::Graph deployed = graph.deployed_to(k_account);
  const GraphAccess here(graph), there(deployed);
  for (const model::KeyId key : {model::KeyId{0}, model::KeyId{1}}) {
    const KeyAccess origin = here.analyze(key);
    const KeyAccess reused = there.analyze(key, &origin);
    const KeyAccess fresh = there.analyze(key);
    const bool shared = &reused.key_policy().compiled() == &origin.key_policy().compiled();
    CHECK(shared == (key == model::KeyId{0}));
    CHECK(report_of(reused) == report_of(fresh));
  }
}

TEST_CASE("the graph deployed to an account reuses the identity policies that name no reference",
          "[analysis][core]") {
  model::Graph graph;
  graph.account = std::string(model::k_this_account);
  const json literal =
      json::array({{{"Effect", "Allow"}, {"Action", "kms:Decrypt"}, {"Resource", "*"}}});
  const json referring =
      json::array({{{"Effect", "Allow"},
                    {"Action", "kms:Decrypt"},
                    {"Resource", "arn:aws:kms:us-east-1:" + model::symbol("account") + ":key/k"}}});
  const model::PolicyId plain = test::add_inline_policy(graph, "plain", literal);
  const model::PolicyId marked = test::add_inline_policy(graph, "marked", referring);
  const model::Graph deployed = graph.deployed_to(k_account);
  const GraphAccess here(graph), there(deployed, here), fresh(deployed);

  const auto resource_of = [](const GraphAccess& access, model::PolicyId id) {
    return access.identity_policy(id)
        ->document()
        .statements.at(0)
        .resources->entries.at(0)
        .value.text;
  };
  CHECK(&there.identity_policy(plain)->compiled() == &here.identity_policy(plain)->compiled());
  CHECK(&there.identity_policy(marked)->compiled() != &here.identity_policy(marked)->compiled());
  // Read again, the policy with a reference names the account it is deployed to, as a fresh reading
  // does.
  CHECK(resource_of(there, marked) == "arn:aws:kms:us-east-1:111122223333:key/k");
  CHECK(resource_of(there, marked) == resource_of(fresh, marked));
  CHECK(resource_of(here, marked) != resource_of(there, marked));
}

namespace {

// Roles a, b and c of the account the input does not name and d of `d_account`, all with one
// identity policy that lets them decrypt with any key.
model::Graph roles_sharing_a_policy(const std::string& d_account) {
  model::Graph graph;
  graph.account = std::string(model::k_this_account);
  graph.region = "us-east-1";
  const model::PolicyId shared_policy = add_policy(graph, "shared", decrypt_anything());
  for (const std::string name : {"a", "b", "c"})
    test::add_role(graph, name, std::string(model::k_this_account), {shared_policy});
  test::add_role(graph, "d", d_account, {shared_policy});
  return graph;
}

} // namespace

TEST_CASE("the graph deployed to an account groups its principals as a fresh reading does",
          "[analysis][core]") {
  // One policy attached to four roles, three of the account the input does not name and one of the
  // account it deploys to, and a fifth role with a policy of the same text: the one of the named
  // account apart before the deployment, all in one class after it.
  model::Graph graph = roles_sharing_a_policy(k_account);
  test::add_role(graph, "e", std::string(model::k_this_account),
                 {add_policy(graph, "e", decrypt_anything())});
  add_key(graph, "k", {root_statement()});
  const model::Graph deployed = graph.deployed_to(k_account);
  const GraphAccess here(graph), there(deployed, here), fresh(deployed);

  const auto classes_of = [](const KeyAccess& access) {
    std::vector<std::pair<std::string, std::vector<model::PrincipalId>>> out;
    for (const Subject& subject : access.subjects())
      out.emplace_back(subject.label, std::vector<model::PrincipalId>(subject.members.begin(),
                                                                      subject.members.end()));
    return out;
  };
  const KeyAccess before = here.analyze(model::KeyId{0});
  const KeyAccess reused = there.analyze(model::KeyId{0}, &before);
  const KeyAccess read_afresh = fresh.analyze(model::KeyId{0});
  CHECK(classes_of(reused) == classes_of(read_afresh));
  CHECK(report_of(reused) == report_of(read_afresh));
  const auto with_members = [](const KeyAccess& access, std::size_t count) {
    return std::count_if(access.subjects().begin(), access.subjects().end(),
                         [&](const Subject& subject) { return subject.members.size() == count; });
  };
  CHECK(with_members(before, 4) == 1); // a, b, c, e; d is of another account
  CHECK(with_members(reused, 5) == 1); // all five, of one account, with equal policy texts
}

TEST_CASE("the graph deployed to an account no principal is in keeps its classes of principals",
          "[analysis][core]") {
  // Deployed to an account none of them is in, the roles of the unnamed account stay apart from the
  // one of another account: origin's classes are taken, and read as a fresh reading does.
  model::Graph graph = roles_sharing_a_policy("444455556666");
  add_key(graph, "k", {root_statement()});
  const model::Graph deployed = graph.deployed_to(k_account);
  const GraphAccess here(graph), there(deployed, here), fresh(deployed);

  // The graph's principals, class by class (the accounts named, and so their subjects, differ).
  const auto members_of = [](const KeyAccess& access) {
    std::vector<std::vector<model::PrincipalId>> out;
    for (const Subject& subject : access.subjects()) {
      if (subject.kind == SubjectKind::graph_principal)
        out.emplace_back(subject.members.begin(), subject.members.end());
    }
    return out;
  };
  const KeyAccess before = here.analyze(model::KeyId{0});
  const KeyAccess reused = there.analyze(model::KeyId{0}, &before);
  const KeyAccess read_afresh = fresh.analyze(model::KeyId{0});
  CHECK(members_of(reused) == members_of(read_afresh));
  CHECK(members_of(reused) == members_of(before));
  CHECK(report_of(reused) == report_of(read_afresh));
  CHECK(std::count_if(reused.subjects().begin(), reused.subjects().end(), [](const Subject& s) {
          return s.members.size() == 3;
        }) == 1); // a, b, c; d is of another account
}
