#include "model/graph.hpp"

#include <catch2/catch.hpp>

namespace {

using tfkms::model::Alias;
using tfkms::model::Graph;
using tfkms::model::Key;
using tfkms::model::KeyId;
using tfkms::model::KeyKind;
using tfkms::model::KeyRef;
using tfkms::model::symbol;

KeyId add_key(Graph& graph, std::string arn, std::string account = "111122223333") {
  Key key;
  key.arn = std::move(arn);
  key.account = std::move(account);
  return graph.add(std::move(key));
}

void add_alias(Graph& graph, std::string name, KeyRef target) {
  Alias alias;
  alias.name = std::move(name);
  alias.target = std::move(target);
  graph.aliases.push_back(std::move(alias));
}

KeyRef node(KeyId id) {
  KeyRef ref;
  ref.kind = KeyRef::Kind::node;
  ref.key = id;
  return ref;
}

} // namespace

TEST_CASE("resolve_key finds keys by ARN, id, alias name and alias ARN", "[model][graph]") {
  Graph graph;
  const KeyId first = add_key(graph, "arn:aws:kms:us-east-1:111122223333:key/one");
  const KeyId second = add_key(graph, "arn:aws:kms:us-east-1:111122223333:key/two");
  add_alias(graph, "alias/two", node(second));

  CHECK(graph.resolve_key("arn:aws:kms:us-east-1:111122223333:key/one").key == first);
  CHECK(graph.resolve_key("two").key == second);
  CHECK(graph.resolve_key("alias/two").key == second);
  CHECK(graph.resolve_key("arn:aws:kms:us-east-1:111122223333:alias/two").key == second);
  SECTION("an alias ARN in another account is another alias") {
    CHECK(graph.resolve_key("arn:aws:kms:us-east-1:444455556666:alias/two").kind ==
          KeyRef::Kind::outside);
  }
  SECTION("a key ARN of another key, or an id written as an ARN, is outside") {
    CHECK(graph.resolve_key("arn:aws:kms:us-east-1:111122223333:key/three").kind ==
          KeyRef::Kind::outside);
    CHECK(graph.resolve_key("arn:two").kind == KeyRef::Kind::outside);
  }
  SECTION("empty and unknown references") {
    CHECK(graph.resolve_key("").kind == KeyRef::Kind::none);
    CHECK(graph.resolve_key(symbol("aws_kms_key.later.arn")).kind == KeyRef::Kind::unknown);
  }
}

TEST_CASE("resolve_key follows what is added, defined and changed after a lookup",
          "[model][graph]") {
  Graph graph;
  add_key(graph, "arn:aws:kms:us-east-1:111122223333:key/one");
  CHECK(graph.resolve_key("late").kind == KeyRef::Kind::outside);

  SECTION("keys and aliases appended later") {
    const KeyId late = add_key(graph, "arn:aws:kms:us-east-1:111122223333:key/late");
    CHECK(graph.resolve_key("late").key == late);
    add_alias(graph, "alias/late", KeyRef{});
    CHECK(graph.resolve_key("alias/late").kind == KeyRef::Kind::outside);
    graph.aliases.back().target =
        node(late); // CloudFormation links aliases once all keys are known
    CHECK(graph.resolve_key("alias/late").key == late);
  }
  SECTION("a key ARN that depends on a symbol defined later") {
    const KeyId symbolic =
        add_key(graph, "arn:aws:kms:us-east-1:" + symbol("account") + ":key/" + symbol("cfn:K"));
    CHECK(graph.resolve_key("late").kind == KeyRef::Kind::outside);
    graph.define("cfn:K", "late");
    CHECK(graph.resolve_key("late").key == symbolic);
    graph.account = "444455556666";
    CHECK(graph.resolve_key("arn:aws:kms:us-east-1:444455556666:key/late").key == symbolic);
  }
  SECTION("the first key with an ARN wins") {
    const KeyId duplicate = add_key(graph, "arn:aws:kms:us-east-1:111122223333:key/one");
    CHECK(graph.resolve_key("one").key == KeyId{0});
    CHECK(duplicate == KeyId{1});
  }
}

TEST_CASE("AWS managed keys and policies are created once", "[model][graph]") {
  Graph graph;
  const KeyRef s3 = graph.resolve_key("alias/aws/s3");
  REQUIRE(s3.kind == KeyRef::Kind::node);
  CHECK(graph.key(*s3.key).kind == KeyKind::aws_managed);
  CHECK(graph.aws_managed_key("s3") == *s3.key);
  CHECK(graph.aws_managed_key("sqs") != *s3.key);
  CHECK(graph.keys.size() == 2);
  const auto admin = graph.aws_managed_policy("arn:aws:iam::aws:policy/AdministratorAccess");
  CHECK(graph.aws_managed_policy("arn:aws:iam::aws:policy/AdministratorAccess") == admin);
  CHECK(graph.policies.size() == 1);
}

TEST_CASE("a graph deployed to an account resolves with it, and copies keep their own definitions",
          "[model][graph]") {
  Graph graph;
  graph.define("aws_iam_role.app.arn", "arn:aws:iam::" + symbol("account") + ":role/app");
  const Graph deployed = graph.deployed_to("444455556666");
  CHECK(deployed.resolve("aws_iam_role.app.arn") == "arn:aws:iam::444455556666:role/app");
  CHECK(graph.resolve("aws_iam_role.app.arn") ==
        "arn:aws:iam::" + std::string(tfkms::model::k_this_account) + ":role/app");

  // The copies share one table until one of them defines more.
  Graph copy = graph;
  copy.define("aws_iam_role.app.arn", "changed");
  copy.define("only.in.copy", "x");
  CHECK(copy.resolve("aws_iam_role.app.arn") == "changed");
  CHECK(graph.resolve("aws_iam_role.app.arn") ==
        "arn:aws:iam::" + std::string(tfkms::model::k_this_account) + ":role/app");
  CHECK_FALSE(graph.resolve("only.in.copy"));
  CHECK_FALSE(deployed.resolve("only.in.copy"));
  graph.define("only.in.original", "y");
  CHECK_FALSE(copy.resolve("only.in.original"));
  CHECK(graph.resolve("only.in.original") == "y");

  const Graph moved = std::move(copy);
  CHECK(moved.resolve("only.in.copy") == "x");
}

TEST_CASE("a graph deployed to an account gives it the nodes of this account, and shares them",
          "[model][graph]") {
  Graph graph;
  const KeyId mine = add_key(graph, "arn:aws:kms:us-east-1:" + symbol("account") + ":key/mine",
                             std::string(tfkms::model::k_this_account));
  const KeyId theirs =
      add_key(graph, "arn:aws:kms:us-east-1:777788889999:key/theirs", "777788889999");
  tfkms::model::Principal role;
  role.name = "app";
  role.account = std::string(tfkms::model::k_this_account);
  const auto app = graph.add(std::move(role));

  const Graph deployed = graph.deployed_to("444455556666");
  const Graph& original = graph;
  CHECK(deployed.account_of(deployed.key(mine)) == "444455556666");
  CHECK(deployed.account_of(deployed.key(theirs)) == "777788889999");
  CHECK(deployed.account_of(deployed.principal(app)) == "444455556666");
  CHECK(original.account_of(original.key(mine)) == tfkms::model::k_this_account);
  CHECK(original.account_of(original.principal(app)) == tfkms::model::k_this_account);
  // The deployed graph reads the same nodes, not copies of them, as long as neither changes them.
  CHECK(&deployed.key(mine) == &original.key(mine));

  // Changing the graph afterwards leaves the deployed one as it was.
  graph.key(theirs).account = "121212121212";
  CHECK(deployed.account_of(deployed.key(theirs)) == "777788889999");
  CHECK(graph.account_of(graph.key(theirs)) == "121212121212");
}
