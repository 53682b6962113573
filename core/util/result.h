#pragma once
/// Expected failures as values: Result<T> holds either a T or an Error a user can act on.

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace synthembed {

/// A failure with a stable code (for tests and --json) and a message naming the file/field/line.
struct Error {
    std::string code;
    std::string message;
};

/// Thrown inside core where unwinding is simpler; converted to Error at core's API edge.
class Failure : public std::runtime_error {
public:
    Failure(std::string code, const std::string& message)
        : std::runtime_error(message), m_code(std::move(code)) {}
    const std::string& code() const { return m_code; }
    Error error() const { return {m_code, what()}; }

private:
    std::string m_code;
};

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_v(std::move(value)) {}
    Result(Error error) : m_v(std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { check(); return std::get<0>(m_v); }
    const T& value() const& { check(); return std::get<0>(m_v); }
    T&& value() && { check(); return std::get<0>(std::move(m_v)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const { return std::get<1>(m_v); }

    /// Value or throw Failure (for code that prefers exceptions internally).
    T take() && {
        if (!ok()) throw Failure(error().code, error().message);
        return std::get<0>(std::move(m_v));
    }

private:
    void check() const {
        if (!ok()) throw Failure(std::get<1>(m_v).code, "Result accessed on error: " + std::get<1>(m_v).message);
    }
    std::variant<T, Error> m_v;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_failed(true) {}
    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return m_error; }
    void take() && {
        if (m_failed) throw Failure(m_error.code, m_error.message);
    }

private:
    Error m_error;
    bool m_failed = false;
};

using Status = Result<void>;

template <class T> struct UnwrapResult { using type = Result<T>; };
template <class T> struct UnwrapResult<Result<T>> { using type = Result<T>; };

/// Runs fn, turning Failure and std::exception into an Error; use at core's API edge.
/// fn may return T or Result<T>; either way the result is Result<T>.
template <class F>
auto guarded(F&& fn, const char* fallbackCode = "internal") -> typename UnwrapResult<decltype(fn())>::type {
    try {
        if constexpr (std::is_void_v<decltype(fn())>) {
            fn();
            return {};
        } else {
            return fn();
        }
    } catch (const Failure& f) {
        return f.error();
    } catch (const std::exception& e) {
        return Error{fallbackCode, e.what()};
    }
}

} // namespace synthembed
