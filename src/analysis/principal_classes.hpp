#pragma once
// Principals that decide alike, reported once. A plan with hundreds of team roles of one shape
// gives every key the same access for each of them; the access report lists such a class once, with
// its members, and an access of the class refers to it instead of repeating itself per member.
// Expanding a class access gives exactly the per-principal entries (expand()).
#include "analysis/access.hpp"
#include "analysis/access_map.hpp"

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tfkms::analysis {

/// Graph principals of one kind and account with identity policies of the same shape, which no
/// policy tells apart (GraphAccess's classes). A key whose policy or grants name some of them
/// evaluates those on their own: its access of the class leaves them out.
struct PrincipalClass {
  struct Member {
    std::string principal; ///< member_label()
    /// The names of its identity policies (its groups' included), in the order evaluation takes
    /// them: a ground in the member's own policy names the policy at the same position.
    std::vector<std::string> identity_policies;
    std::vector<model::SourceRef> identity_policy_places; ///< where each of them is defined
  };
  std::vector<Member> members; ///< in graph order
};

/// A ground that names each member's own identity policy: for a member it reads
/// "identity policy <member.identity_policies[policy]> <statement>".
struct OwnPolicyGround {
  std::size_t policy = 0;
  std::string statement; ///< "statement 0 (Sid \"Use\")"

  friend bool operator==(const OwnPolicyGround&, const OwnPolicyGround&) = default;
  friend auto operator<=>(const OwnPolicyGround&, const OwnPolicyGround&) = default;
};

/// What makes an access entry one of a class: which class, the members it leaves out, and the
/// grounds that differ per member.
struct ClassAccess {
  std::size_t principal_class = 0; ///< index into ClassAccessMap::classes (AccessDiff::classes)
  std::vector<std::string> except; ///< members the key evaluates on their own, in class order
  std::vector<OwnPolicyGround> own_policy_grounds; ///< sorted, unique
};

/// The classes the accesses of one graph's keys refer to, each added once, on first use.
class ClassTable {
public:
  /// The class access of `subject` of `analysis` (its class added to `classes` when new), with
  /// an empty `own_policy_grounds`; none when the subject stands for fewer than two principals.
  [[nodiscard]] std::optional<ClassAccess> refer(const KeyAccess& analysis, std::size_t subject,
                                                 std::vector<PrincipalClass>& classes);

private:
  /// By class of GraphAccess: its index in the classes.
  std::unordered_map<std::size_t, std::size_t> m_position;
};

/// `ground` of `subject` as a ground of each member's own identity policy; none when it reads the
/// same for every member (key policy statements, grants, an identity policy the graph lacks).
[[nodiscard]] std::optional<OwnPolicyGround>
own_policy_ground(const KeyAccess& analysis, std::size_t subject, const Ground& ground);

/// The text of `ground` for `member`, as member_ground() gives it.
[[nodiscard]] std::string ground_text(const PrincipalClass::Member& member,
                                      const OwnPolicyGround& ground);

/// The name a ground gives an identity policy: its own name, else its address or logical id.
[[nodiscard]] std::string identity_policy_name(const model::IdentityPolicy& policy);

} // namespace tfkms::analysis

namespace tfkms::analysis {

/// The access map of a graph with each class of principals in one entry per key and action class
/// (`tfkms access`): a key of a plan with thousands of team roles has a handful of entries.
struct ClassAccessMap {
  /// An entry of a class has the class subject's label as `subject` and the grounds that read the
  /// same for every member as `grounds`.
  AccessMap map;
  /// By key, by entry of map.keys[k].entries: what makes the entry one of a class.
  std::vector<std::vector<std::optional<ClassAccess>>> principals;
  std::vector<PrincipalClass> classes;
};

/// map_access(graph) with the classes of principals kept whole. expand() of every entry gives
/// map_access(graph)'s entries, in the same order.
[[nodiscard]] ClassAccessMap map_access_by_class(const model::Graph& graph);

/// The per-principal entries `entry` of class access `principals` stands for, in class order.
[[nodiscard]] std::vector<AccessEntry> expand(const AccessEntry& entry,
                                              const ClassAccess& principals,
                                              const std::vector<PrincipalClass>& classes);

/// `key` (with `principals`, one per entry) with every entry of a class expanded: as summarise()
/// gives it.
[[nodiscard]] KeyAccessMap expand(const KeyAccessMap& key,
                                  const std::vector<std::optional<ClassAccess>>& principals,
                                  const std::vector<PrincipalClass>& classes);

/// map_access_pair() with the classes of principals kept whole.
struct ClassAccessPair {
  ClassAccessMap before;
  ClassAccessMap after;
  std::vector<bool> reused;    ///< by key of `before`: it took the same-named after key's summary
  std::size_t keys_reused = 0; ///< how many did
};

[[nodiscard]] ClassAccessPair map_access_pair_by_class(const model::Graph& before,
                                                       const model::Graph& after);

} // namespace tfkms::analysis
