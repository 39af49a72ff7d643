// The one translation unit that compiles Boost.Asio, Asio SSL and Boost.Beast
// (BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION are defined PUBLIC on
// cb_api). Every other file only includes their headers, which keeps rebuilds fast.

#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
