#include "analysis/cell_space.hpp"

#include <algorithm>

namespace tfkms::analysis {

namespace {

// Calls `visit(cell)` for every cell of `box`; stops and returns false as soon as `visit` does.
template <typename Visit> bool for_each_cell(const CellSpace& space, const Box& box, Visit visit) {
  const auto& dims = space.dimensions();
  CellIndex index(dims.size(), 0);
  for (std::size_t d = 0; d < dims.size(); ++d) {
    while (!box[d][index[d]])
      ++index[d];
  }
  while (true) {
    if (!visit(space.encode(index)))
      return false;
    std::size_t d = 0;
    for (; d < dims.size(); ++d) {
      auto next = static_cast<std::size_t>(index[d]) + 1;
      while (next < box[d].size() && !box[d][next])
        ++next;
      if (next < box[d].size()) {
        index[d] = static_cast<std::uint16_t>(next);
        break;
      }
      index[d] = 0;
      while (!box[d][index[d]])
        ++index[d];
    }
    if (d == dims.size())
      return true;
  }
}

Constraint constraint_of(const Dimension& dim, const std::vector<bool>& span) {
  Constraint out;
  out.key = dim.key;
  for (std::size_t v = 0; v < dim.values.size(); ++v)
    (span[v] ? out.values : out.excluded).push_back(dim.values[v]);
  for (std::size_t v = dim.values.size(); v < span.size(); ++v) {
    if (dim.is_other(v))
      out.other_values = span[v];
    if (dim.is_absent(v))
      out.absent = span[v];
  }
  return out;
}

} // namespace

CellSpace::CellSpace(std::vector<Dimension> dimensions) : m_dimensions(std::move(dimensions)) {
  m_strides.reserve(m_dimensions.size());
  for (const Dimension& dim : m_dimensions) {
    m_strides.push_back(m_size);
    m_size *= dim.size();
  }
}

void CellSpace::decode(std::size_t cell, CellIndex& out) const {
  out.resize(m_dimensions.size());
  for (std::size_t d = 0; d < m_dimensions.size(); ++d) {
    out[d] = static_cast<std::uint16_t>((cell / m_strides[d]) % m_dimensions[d].size());
  }
}

std::size_t CellSpace::encode(const CellIndex& index) const {
  std::size_t cell = 0;
  for (std::size_t d = 0; d < m_dimensions.size(); ++d)
    cell += index[d] * m_strides[d];
  return cell;
}

// Greedy cover by boxes: start from a member cell not yet covered and widen the box one value at a
// time while every cell it spans stays a member. Then narrow each box by the values whose cells
// other boxes already cover, so "(ec2 and true) or absent" does not read "(ec2 or absent) and true
// or absent". Each box becomes one alternative; the dimensions it spans fully carry no constraint.
std::vector<Condition> CellSpace::describe(const std::vector<bool>& member) const {
  std::vector<Box> boxes;
  std::vector<bool> covered(m_size, false);
  CellIndex index;
  for (std::size_t seed = 0; seed < m_size; ++seed) {
    if (!member[seed] || covered[seed])
      continue;
    decode(seed, index);
    Box box(m_dimensions.size());
    for (std::size_t d = 0; d < m_dimensions.size(); ++d) {
      box[d].assign(m_dimensions[d].size(), false);
      box[d][index[d]] = true;
    }
    for (std::size_t d = 0; d < m_dimensions.size(); ++d) {
      for (std::size_t v = 0; v < box[d].size(); ++v) {
        if (box[d][v])
          continue;
        box[d][v] = true;
        if (!for_each_cell(*this, box,
                           [&](std::size_t cell) { return static_cast<bool>(member[cell]); })) {
          box[d][v] = false;
        }
      }
    }
    for_each_cell(*this, box, [&](std::size_t cell) {
      covered[cell] = true;
      return true;
    });
    boxes.push_back(std::move(box));
  }
  narrow(boxes);

  std::vector<Condition> alternatives;
  alternatives.reserve(boxes.size());
  for (const Box& box : boxes) {
    Condition condition;
    for (std::size_t d = 0; d < m_dimensions.size(); ++d) {
      bool full = true;
      for (const bool in : box[d])
        full = full && in;
      if (!full)
        condition.all.push_back(constraint_of(m_dimensions[d], box[d]));
    }
    alternatives.push_back(std::move(condition));
  }
  return alternatives;
}

void CellSpace::narrow(std::vector<Box>& boxes) const {
  // How many boxes cover each cell.
  std::vector<std::uint16_t> count(m_size, 0);
  for (const Box& box : boxes) {
    for_each_cell(*this, box, [&](std::size_t cell) {
      ++count[cell];
      return true;
    });
  }
  for (Box& box : boxes) {
    for (std::size_t d = 0; d < box.size(); ++d) {
      for (std::size_t v = 0; v < box[d].size(); ++v) {
        if (!box[d][v] || std::count(box[d].begin(), box[d].end(), true) == 1)
          continue;
        Box slice = box;
        slice[d].assign(box[d].size(), false);
        slice[d][v] = true;
        if (!for_each_cell(*this, slice, [&](std::size_t cell) { return count[cell] > 1; }))
          continue;
        for_each_cell(*this, slice, [&](std::size_t cell) {
          --count[cell];
          return true;
        });
        box[d][v] = false;
      }
    }
  }
  // A box whose every cell another box covers adds nothing.
  std::erase_if(boxes, [&](const Box& box) {
    if (!for_each_cell(*this, box, [&](std::size_t cell) { return count[cell] > 1; }))
      return false;
    for_each_cell(*this, box, [&](std::size_t cell) {
      --count[cell];
      return true;
    });
    return true;
  });
}

} // namespace tfkms::analysis
