#pragma once
// A vector whose copies share one set of elements until one of them changes it. A graph analysed
// as deployed to an account (Graph::deployed_to) holds the same grants, identity policies and data
// stores as the graph it was made from: copying them, parsed policy documents and all, and freeing
// the copies again cost a large plan more than the analyses that read them.
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <utility>
#include <vector>

namespace tfkms::model {

/// The part of std::vector's interface the graph's users need. Reading never copies; anything that
/// may change the elements (a non-const element or iterator included) first makes them this
/// vector's own, as a std::vector copy would have been all along.
template <class T> class SharedVector {
public:
  using value_type = T;
  using size_type = std::size_t;
  using iterator = typename std::vector<T>::iterator;
  using const_iterator = typename std::vector<T>::const_iterator;

  SharedVector() = default;
  // Implicit, as a vector is assigned and compared.
  SharedVector(std::vector<T> items)
      : m_items(std::make_shared<std::vector<T>>(std::move(items))) {}
  SharedVector(std::initializer_list<T> items) : SharedVector(std::vector<T>(items)) {}

  /// The elements, shared with copies of this vector.
  [[nodiscard]] const std::vector<T>& items() const { return m_items ? *m_items : s_no_items; }
  operator const std::vector<T>&() const { return items(); }

  [[nodiscard]] std::size_t size() const { return items().size(); }
  [[nodiscard]] bool empty() const { return items().empty(); }
  [[nodiscard]] const T& operator[](std::size_t index) const { return items()[index]; }
  [[nodiscard]] const T& at(std::size_t index) const { return items().at(index); }
  [[nodiscard]] const T& front() const { return items().front(); }
  [[nodiscard]] const T& back() const { return items().back(); }
  [[nodiscard]] const_iterator begin() const { return items().begin(); }
  [[nodiscard]] const_iterator end() const { return items().end(); }

  /// The elements, this vector's own: copied first when a copy shares them.
  [[nodiscard]] std::vector<T>& own() {
    if (!m_items)
      m_items = std::make_shared<std::vector<T>>();
    else if (m_items.use_count() != 1)
      m_items = std::make_shared<std::vector<T>>(*m_items);
    return *m_items;
  }

  [[nodiscard]] T& operator[](std::size_t index) { return own()[index]; }
  [[nodiscard]] T& at(std::size_t index) { return own().at(index); }
  [[nodiscard]] T& front() { return own().front(); }
  [[nodiscard]] T& back() { return own().back(); }
  [[nodiscard]] iterator begin() { return own().begin(); }
  [[nodiscard]] iterator end() { return own().end(); }
  void push_back(const T& item) { own().push_back(item); }
  void push_back(T&& item) { own().push_back(std::move(item)); }
  template <class... Args> T& emplace_back(Args&&... args) {
    return own().emplace_back(std::forward<Args>(args)...);
  }
  void pop_back() { own().pop_back(); }
  void reserve(std::size_t count) { own().reserve(count); }

private:
  // Constant-initialised, so that reading it needs no guard as a function's static would.
  static constinit inline const std::vector<T> s_no_items{};

  std::shared_ptr<std::vector<T>> m_items; ///< null when empty and never changed
};

} // namespace tfkms::model
