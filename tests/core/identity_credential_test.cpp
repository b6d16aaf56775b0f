// Client credentials: HMAC-SHA256 against RFC 4231, and the credential's verdicts (valid, malformed, expired, forged).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "wayfinder/identity/credential.h"

namespace wayfinder::identity {
namespace {

std::string hex(const Digest& d) {
  std::string s;
  char buf[3];
  for (auto b : d) {
    std::snprintf(buf, sizeof buf, "%02x", b);
    s += buf;
  }
  return s;
}

std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

const std::vector<std::uint8_t> kKey = bytes("server-key-for-tests-32-bytes!!!");

TEST(IdentityHmac, MatchesRfc4231TestVectors) {
  EXPECT_EQ(hex(hmac_sha256(std::vector<std::uint8_t>(20, 0x0b), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hex(hmac_sha256(bytes("Jefe"), "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Case 6: a key longer than the block is hashed first.
  EXPECT_EQ(hex(hmac_sha256(std::vector<std::uint8_t>(131, 0xaa), "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(IdentityCredential, AnIssuedCredentialVerifiesForItsClientUntilItExpires) {
  const auto c = issue_credential(kKey, "client-a", 2000);
  EXPECT_EQ(c.rfind("wf1.2000.", 0), 0u);
  EXPECT_EQ(verify_credential(kKey, "client-a", c, 1999).status, CredentialStatus::valid);
  const auto late = verify_credential(kKey, "client-a", c, 2000);
  EXPECT_EQ(late.status, CredentialStatus::expired);
  EXPECT_NE(late.message.find("expired"), std::string::npos);
  EXPECT_EQ(credential_expiry(c), 2000);
}

TEST(IdentityCredential, AnotherClientsTagAnotherKeyOrAChangedExpiryIsForged) {
  const auto c = issue_credential(kKey, "client-a", 2000);
  EXPECT_EQ(verify_credential(kKey, "client-b", c, 1000).status, CredentialStatus::forged);
  EXPECT_EQ(verify_credential(bytes("another-key"), "client-a", c, 1000).status, CredentialStatus::forged);
  std::string extended = c;
  extended.replace(4, 4, "9000");  // the holder moves its own expiry
  EXPECT_EQ(verify_credential(kKey, "client-a", extended, 1000).status, CredentialStatus::forged);
  std::string flipped = c;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  const auto f = verify_credential(kKey, "client-a", flipped, 1000);
  EXPECT_EQ(f.status, CredentialStatus::forged);
  EXPECT_NE(f.message.find("does not match"), std::string::npos);
}

TEST(IdentityCredential, MalformedCredentialsAreNamedNotGuessed) {
  const auto c = issue_credential(kKey, "client-a", 2000);
  struct Case {
    std::string credential, says;
  };
  for (const auto& [cred, says] : std::vector<Case>{{c.substr(0, c.size() - 5), "truncated"},
                                                   {"wf2" + c.substr(3), "version"},
                                                   {"wf1.-5." + c.substr(c.rfind('.') + 1), "expiry"},
                                                   {"wf1.12x." + c.substr(c.rfind('.') + 1), "expiry"},
                                                   {"", "expected wf1"},
                                                   {c.substr(0, c.size() - 1) + "=", "base64url"}}) {
    const auto r = verify_credential(kKey, "client-a", cred, 1000);
    EXPECT_EQ(r.status, CredentialStatus::malformed) << cred;
    EXPECT_NE(r.message.find(says), std::string::npos) << cred << " → " << r.message;
    EXPECT_THROW(credential_expiry(cred), std::invalid_argument);
  }
  EXPECT_THROW(issue_credential({}, "client-a", 2000), std::invalid_argument);
  EXPECT_THROW(issue_credential(kKey, "", 2000), std::invalid_argument);
}

}  // namespace
}  // namespace wayfinder::identity
