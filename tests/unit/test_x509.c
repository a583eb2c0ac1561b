/*
 * test_x509.c - unit tests of analyzer/x509.c.
 *
 * The certificates were generated for this test with `openssl req -x509`:
 * RSA 2048 with DNS and IP SANs; an EC P-256 CA (valid past 2050, so its
 * notAfter is a GeneralizedTime) and a leaf it signed with SHA-384; ed25519
 * with a UTF-8 organization; EC P-384 with a negative serial; ed25519 with
 * 40 DNS and 20 IP SANs, a 620-character subject and a 70-octet serial, to
 * hit every cap. Expected values come from `openssl x509 -noout -subject
 * -issuer -nameopt RFC2253 -serial -dates -fingerprint -sha1/-sha256`.
 */
#include "../../analyzer/x509.h"
#include "testkit.h"

#include <openssl/evp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char RSA_DER_HEX[] =
    "3082039b30820283a00302010202090123456789abcdef01300d06092a864886f70d01010b0500303e310b30"
    "0906035504061302555331143012060355040a0c0b4578616d706c65204f72673119301706035504030c1072"
    "73612e6578616d706c652e74657374301e170d3236313132333130343433315a170d33363131323031303434"
    "33315a303e310b300906035504061302555331143012060355040a0c0b4578616d706c65204f726731193017"
    "06035504030c107273612e6578616d706c652e7465737430820122300d06092a864886f70d01010105000382"
    "010f003082010a0282010100da5082beec09a48a3530e55366ec619bb698c83f3d0f933d21458afeb18fa2fc"
    "2ee55def4f6e3fa60c14dc8aae91f8f6068a3f95b2a161ce4f0b464737d4e99feb10eeebbc45f1d9ad161a98"
    "2409160f88e761e4b503ea45a78c7c9ea95fcb5c6dc71b49a5f75068fbee1230b90ea57ce1f5e263c08549ed"
    "dde9e67b8ba28297c929c784a7f86cbc55f375b1b76d84d9cde95bd5cd374a2000977491d226b8dbd4156715"
    "9171bf1beab49fe01f74817271447b30310075f16cd1eb748816af41a7736f872ed7b65530337ffa39107ee0"
    "e6e56617f569bbe7fb4a4bc693b0e2017668753b296e47448030a6a60abb40525b71895707428024b82cc0b7"
    "90454a6f0203010001a3819b308198301d0603551d0e0416041447fa9328fd7bd7648515353d2487f19f4e66"
    "06b6301f0603551d2304183016801447fa9328fd7bd7648515353d2487f19f4e6606b6300f0603551d130101"
    "ff040530030101ff30450603551d11043e303c82107273612e6578616d706c652e7465737482107777772e65"
    "78616d706c652e746573748704c000020a871020010db8000000000000000000000001300d06092a864886f7"
    "0d01010b0500038201010034d8f1cad2a59afbc4d021ea26fe57794eaa502a73efc624d78a19c31050540130"
    "c1a5859b3c89409cc4150619363317bf8d2616a594786d3a4df6d9a34e46227e0619ad898cfd618b34d19051"
    "1f3c0763420cf617ff9032fdeab393f0495557ac4f250e76386e764d39fa35b41e09eef8f0449848c0e5804b"
    "74ecf5074ed7fcb92386feb40f7b6671ccbea36c062f84aa12ace937cd593d4385a537c5e12afa556ac58a6c"
    "ad2b90ff3779a8ce603f0152027a029dbce8a3c5a67ae18234674707b6d5f48c8bff0519bc4b3a510921c2a9"
    "754adaafd7a1af07d6dfc3aa70408afc8cdd58a51cbe79b4377a23b7a2e2424eacbda59dfcad269b2fdb09ab"
    "d6a12c";

static const char CA_DER_HEX[] =
    "308201d130820178a003020102020101300a06082a8648ce3d040302303f310b300906035504061302444531"
    "163014060355040a0c0d476c61737320546573742043413118301606035504030c0f476c6173732054657374"
    "20526f6f743020170d3236313132333130343634365a180f32303532313132363130343634365a303f310b30"
    "0906035504061302444531163014060355040a0c0d476c61737320546573742043413118301606035504030c"
    "0f476c617373205465737420526f6f743059301306072a8648ce3d020106082a8648ce3d030107034200044e"
    "57ff4128feed6eae5a41c2fa243dd3176b9fbfea3e085fe59ee8eb53fce6d9d1095d899436fbd85a18300c65"
    "e3e4dcec512a8d98cef38670e4caeb08bdfe59a3633061301d0603551d0e04160414653026bd4a00cff57be6"
    "2acd788316f85ce01a75301f0603551d23041830168014653026bd4a00cff57be62acd788316f85ce01a7530"
    "0f0603551d130101ff040530030101ff300e0603551d0f0101ff040403020106300a06082a8648ce3d040302"
    "03470030440220361257b57b9bd02a401bcbf22afaf04330fcd979985bbade04b4c9333aee7138022026055c"
    "766e8b6e147e3e688660a8887d1a1055797454a9ee1877903e2ce61569";

static const char LEAF_DER_HEX[] =
    "308201dc30820182a003020102020200ff300a06082a8648ce3d040303303f310b3009060355040613024445"
    "31163014060355040a0c0d476c61737320546573742043413118301606035504030c0f476c61737320546573"
    "7420526f6f74301e170d3236313132333130343634365a170d3239303232353130343634365a303031183016"
    "06035504030c0f6c6561662e676c6173732e7465737431143012060355040a0c0b476c6173732c20496e632e"
    "3059301306072a8648ce3d020106082a8648ce3d03010703420004c57977d72e3d6391a1db898568483710de"
    "fdaa99f2581d6d81a0e6cd37d3b504a504fc8e116cc719b88dc23c5a88ab453bb9b3b02689ca5232a5acf41d"
    "c838fca37d307b302e0603551d1104273025820f6c6561662e676c6173732e74657374820c2a2e676c617373"
    "2e7465737487040a00000130090603551d1304023000301d0603551d0e041604142f4a7eda9a0617fe95cf81"
    "0491a46cf8b62a83b8301f0603551d23041830168014653026bd4a00cff57be62acd788316f85ce01a75300a"
    "06082a8648ce3d0403030348003045022100a6d626cd79c920c4de2951928dfb77c0c6b75de622e9b5108d46"
    "0b43af04313c02204220f01170fe64ccf6c280f42d6344e3f8b5659963078eeddbd78af7aa6d4fce";

static const char ED_DER_HEX[] =
    "3082015c3082010ea003020102020107300506032b6570302d3115301306035504030c0c656432353531392e"
    "7465737431143012060355040a0c0b5ac3bc72696368204c7464301e170d3236313132333130343433375a17"
    "0d3237313132333130343433375a302d3115301306035504030c0c656432353531392e746573743114301206"
    "0355040a0c0b5ac3bc72696368204c7464302a300506032b65700321007225eed0940c42db24daf2ac3ebd20"
    "616f343c8ac3ef41cd7a8263eab7f47894a3533051301d0603551d0e0416041450edeac7bbc0d5b22566c3f0"
    "120293bd767228c8301f0603551d2304183016801450edeac7bbc0d5b22566c3f0120293bd767228c8300f06"
    "03551d130101ff040530030101ff300506032b6570034100251f158d34618d27cb92f24c1d83ed77105c641f"
    "e6770f27ab6df1fe4f6eeabaf4e83e50d985ece4930a55c4e751eb2cee54293213ec96bae9c92821ac15a903";

static const char NEG_DER_HEX[] =
    "3082019a30820121a0030201020201fb300a06082a8648ce3d040302300e310c300a06035504030c036e6567"
    "301e170d3236313132333130343433375a170d3236313232333130343433375a300e310c300a06035504030c"
    "036e65673076301006072a8648ce3d020106052b8104002203620004e8348a4998e40b0ec21598be7919390d"
    "9c4e875978a95a446fd8faaf6505ffa16d759018c3e8e2636ba2382a0f17f111b44a105d1fba7cbafddb020b"
    "fb47fc7318dd714abf3bbdf2bd847f7227681f2e5c5f65cb829ced7e8aa173aa936a7b88a3533051301d0603"
    "551d0e04160414c511112a57efd9caa520576d9cb020cba2c3db70301f0603551d23041830168014c511112a"
    "57efd9caa520576d9cb020cba2c3db70300f0603551d130101ff040530030101ff300a06082a8648ce3d0403"
    "02036700306402306fbd62ecce94b685e34e5ba3242ebe8c99c51c1ada6bc6a39dab7916f5dc94fb8f41bdab"
    "0cfa74fe989a04b412b58077023062972a4dc54e3bb3fa759b07f6e58590f157b20586f5677eeb805f8a72a0"
    "9850c9f03944b29827d7f7cbc1729cd4fe82";

static const char BIG_DER_HEX[] =
    "30820a0a308209bca00302010202467fabababababababababababababababababababababababababababab"
    "ababababababababababababababababababababababababababababababababababababababababab300506"
    "032b6570308202c53111300f06035504030c086269672e7465737431433041060355040b0c3a30302d787878"
    "7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878"
    "787878787878787831433041060355040b0c3a30312d78787878787878787878787878787878787878787878"
    "78787878787878787878787878787878787878787878787878787878787878787831433041060355040b0c3a"
    "30322d7878787878787878787878787878787878787878787878787878787878787878787878787878787878"
    "787878787878787878787878787831433041060355040b0c3a30332d78787878787878787878787878787878"
    "7878787878787878787878787878787878787878787878787878787878787878787878787878783143304106"
    "0355040b0c3a30342d7878787878787878787878787878787878787878787878787878787878787878787878"
    "787878787878787878787878787878787878787831433041060355040b0c3a30352d78787878787878787878"
    "7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878"
    "7831433041060355040b0c3a30362d7878787878787878787878787878787878787878787878787878787878"
    "787878787878787878787878787878787878787878787878787831433041060355040b0c3a30372d78787878"
    "7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878"
    "7878787878787831433041060355040b0c3a30382d7878787878787878787878787878787878787878787878"
    "787878787878787878787878787878787878787878787878787878787878787831433041060355040b0c3a30"
    "392d787878787878787878787878787878787878787878787878787878787878787878787878787878787878"
    "78787878787878787878787878301e170d3236313132333130343633395a170d323631323033313034363339"
    "5a308202c53111300f06035504030c086269672e7465737431433041060355040b0c3a30302d787878787878"
    "7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878"
    "787878787831433041060355040b0c3a30312d78787878787878787878787878787878787878787878787878"
    "78787878787878787878787878787878787878787878787878787878787831433041060355040b0c3a30322d"
    "7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878"
    "787878787878787878787831433041060355040b0c3a30332d78787878787878787878787878787878787878"
    "7878787878787878787878787878787878787878787878787878787878787878787878783143304106035504"
    "0b0c3a30342d7878787878787878787878787878787878787878787878787878787878787878787878787878"
    "787878787878787878787878787878787831433041060355040b0c3a30352d78787878787878787878787878"
    "7878787878787878787878787878787878787878787878787878787878787878787878787878787878783143"
    "3041060355040b0c3a30362d7878787878787878787878787878787878787878787878787878787878787878"
    "787878787878787878787878787878787878787878787831433041060355040b0c3a30372d78787878787878"
    "7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878"
    "7878787831433041060355040b0c3a30382d7878787878787878787878787878787878787878787878787878"
    "787878787878787878787878787878787878787878787878787878787831433041060355040b0c3a30392d78"
    "7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878"
    "78787878787878787878302a300506032b65700321004f18b6fe222addfde892b230619c1c03690321f69b36"
    "7c95b60d4265dc9b4359a382038630820382301d0603551d0e04160414a8ffbb6503988ead030d17916e28e2"
    "4d6844175d301f0603551d23041830168014a8ffbb6503988ead030d17916e28e24d6844175d300f0603551d"
    "130101ff040530030101ff3082032d0603551d110482032430820320820f686f737430302e6269672e746573"
    "74820f686f737430312e6269672e74657374820f686f737430322e6269672e74657374820f686f737430332e"
    "6269672e74657374820f686f737430342e6269672e74657374820f686f737430352e6269672e74657374820f"
    "686f737430362e6269672e74657374820f686f737430372e6269672e74657374820f686f737430382e626967"
    "2e74657374820f686f737430392e6269672e74657374820f686f737431302e6269672e74657374820f686f73"
    "7431312e6269672e74657374820f686f737431322e6269672e74657374820f686f737431332e6269672e7465"
    "7374820f686f737431342e6269672e74657374820f686f737431352e6269672e74657374820f686f73743136"
    "2e6269672e74657374820f686f737431372e6269672e74657374820f686f737431382e6269672e7465737482"
    "0f686f737431392e6269672e74657374820f686f737432302e6269672e74657374820f686f737432312e6269"
    "672e74657374820f686f737432322e6269672e74657374820f686f737432332e6269672e74657374820f686f"
    "737432342e6269672e74657374820f686f737432352e6269672e74657374820f686f737432362e6269672e74"
    "657374820f686f737432372e6269672e74657374820f686f737432382e6269672e74657374820f686f737432"
    "392e6269672e74657374820f686f737433302e6269672e74657374820f686f737433312e6269672e74657374"
    "820f686f737433322e6269672e74657374820f686f737433332e6269672e74657374820f686f737433342e62"
    "69672e74657374820f686f737433352e6269672e74657374820f686f737433362e6269672e74657374820f68"
    "6f737433372e6269672e74657374820f686f737433382e6269672e74657374820f686f737433392e6269672e"
    "7465737487040a01000087040a01000187040a01000287040a01000387040a01000487040a01000587040a01"
    "000687040a01000787040a01000887040a01000987040a01000a87040a01000b87040a01000c87040a01000d"
    "87040a01000e87040a01000f87040a01001087040a01001187040a01001287040a010013300506032b657003"
    "4100ffe4480f6ffa94a186b70ccff941790a026ccb22e1dc079bb1ab26671d8ca09f6534d2d67b2b2ef8b950"
    "07096a4bf8453dc856f1fec76c87118070bbb39d3d0d";

/* Summarizes a hex certificate; the caller frees nothing. */
static void summarize_hex(const char *hex, struct tg_x509_summary *s)
{
    struct tg_view der = view_from_hex(hex);
    tg_x509_summarize(der, s);
    view_free(der);
}

static void test_rsa(void)
{
    static struct tg_x509_summary s;
    printf("rsa 2048 self-signed with DNS and IP SANs\n");
    summarize_hex(RSA_DER_HEX, &s);
    CHECK(s.parsed);
    CHECK(!s.trailing_bytes);
    CHECK_INT(s.version, 3);
    CHECK_STR(s.subject, "CN=rsa.example.test,O=Example Org,C=US");
    CHECK_STR(s.issuer, "CN=rsa.example.test,O=Example Org,C=US");
    CHECK_STR(s.serial, "0123456789abcdef01");
    CHECK_STR(s.not_before, "2026-11-23T10:44:31Z");
    CHECK_STR(s.not_after, "2036-11-20T10:44:31Z");
    CHECK_INT(s.not_before_t, 1795430671);
    CHECK_INT(s.not_after_t, 2110790671);
    CHECK_INT(s.n_san_dns, 2);
    CHECK_INT(s.n_san_dns_total, 2);
    CHECK_STR(s.san_dns[0], "rsa.example.test");
    CHECK_STR(s.san_dns[1], "www.example.test");
    CHECK_INT(s.n_san_ip, 2);
    CHECK_STR(s.san_ip[0], "192.0.2.10");
    CHECK_STR(s.san_ip[1], "2001:db8::1");
    CHECK_STR(s.key_type, "rsa");
    CHECK_INT(s.key_bits, 2048);
    CHECK_STR(s.curve, "");
    CHECK_STR(s.signature_algorithm, "sha256WithRSAEncryption");
    CHECK_STR(s.sha1, "6bca4eb3a4ecf8ce86dde09afb411b0758c2f5ed");
    CHECK_STR(s.sha256, "18d44b04d1a9ae8e2a4fb65af05565ba69e64886fb66ab01e051c297efc24e9f");
    CHECK(s.self_signed);
    CHECK(s.is_ca); /* openssl req -x509 adds basicConstraints CA:TRUE */
    CHECK_INT(s.truncated, 0);
}

static void test_ec_chain(void)
{
    static struct tg_x509_summary ca, leaf;
    printf("ec p-256 CA and the leaf it signed\n");
    summarize_hex(CA_DER_HEX, &ca);
    CHECK(ca.parsed);
    CHECK_STR(ca.subject, "CN=Glass Test Root,O=Glass Test CA,C=DE");
    CHECK_STR(ca.issuer, "CN=Glass Test Root,O=Glass Test CA,C=DE");
    CHECK_STR(ca.serial, "01");
    CHECK_STR(ca.not_before, "2026-11-23T10:46:46Z");
    CHECK_STR(ca.not_after, "2052-11-26T10:46:46Z"); /* a GeneralizedTime */
    CHECK_INT(ca.not_before_t, 1795430806);
    CHECK_INT(ca.not_after_t, 2616230806);
    CHECK_INT(ca.n_san_dns_total + ca.n_san_ip_total, 0);
    CHECK_STR(ca.key_type, "ec");
    CHECK_INT(ca.key_bits, 256);
    CHECK_STR(ca.curve, "prime256v1");
    CHECK_STR(ca.signature_algorithm, "ecdsa-with-SHA256");
    CHECK_STR(ca.sha1, "05f4443f3fed6406af713e7fdb8dee0803787bd7");
    CHECK_STR(ca.sha256, "c1de1cce422cda2fe811438d7155ad41aae6f84c47594d2e0c3b88e1c996fbd2");
    CHECK(ca.self_signed);
    CHECK(ca.is_ca);

    summarize_hex(LEAF_DER_HEX, &leaf);
    CHECK(leaf.parsed);
    CHECK_STR(leaf.subject, "O=Glass\\, Inc.,CN=leaf.glass.test");
    CHECK_STR(leaf.issuer, "CN=Glass Test Root,O=Glass Test CA,C=DE");
    CHECK_STR(leaf.serial, "ff");
    CHECK_STR(leaf.not_before, "2026-11-23T10:46:46Z");
    CHECK_STR(leaf.not_after, "2029-02-25T10:46:46Z");
    CHECK_INT(leaf.not_after_t, 1866710806);
    CHECK_INT(leaf.n_san_dns, 2);
    CHECK_STR(leaf.san_dns[0], "leaf.glass.test");
    CHECK_STR(leaf.san_dns[1], "*.glass.test");
    CHECK_INT(leaf.n_san_ip, 1);
    CHECK_STR(leaf.san_ip[0], "10.0.0.1");
    CHECK_STR(leaf.key_type, "ec");
    CHECK_INT(leaf.key_bits, 256);
    CHECK_STR(leaf.curve, "prime256v1");
    CHECK_STR(leaf.signature_algorithm, "ecdsa-with-SHA384");
    CHECK_STR(leaf.sha1, "003a6957b387b02256eefd08ff94cd251060f6a4");
    CHECK_STR(leaf.sha256, "b00abe36a74c24bd7ebf3b49ec676cc5cf2f37d697445d52516c1d5843d98dc0");
    CHECK(!leaf.self_signed);
    CHECK(!leaf.is_ca);
}

static void test_ed25519_utf8(void)
{
    static struct tg_x509_summary s;
    printf("ed25519 with a UTF-8 organization name\n");
    summarize_hex(ED_DER_HEX, &s);
    CHECK(s.parsed);
    CHECK_STR(s.subject, "O=Z\xc3\xbcrich Ltd,CN=ed25519.test");
    CHECK_STR(s.issuer, "O=Z\xc3\xbcrich Ltd,CN=ed25519.test");
    CHECK_STR(s.serial, "07");
    CHECK_STR(s.not_before, "2026-11-23T10:44:37Z");
    CHECK_STR(s.not_after, "2027-11-23T10:44:37Z");
    CHECK_INT(s.not_after_t, 1826966677);
    CHECK_STR(s.key_type, "ed25519");
    CHECK_INT(s.key_bits, 256); /* EVP_PKEY_get_bits of an ed25519 key */
    CHECK_STR(s.curve, "");
    CHECK_STR(s.signature_algorithm, "ED25519");
    CHECK_STR(s.sha1, "c7f99382697f7389f163c058f3ed8d76cfdde5cb");
    CHECK_STR(s.sha256, "e36a4a316b1c6dba918906cab928baf90fa2c55440b6204b52effafe1c1a14f8");
    CHECK(s.self_signed);
}

static void test_negative_serial(void)
{
    static struct tg_x509_summary s;
    printf("ec p-384 with a negative serial\n");
    summarize_hex(NEG_DER_HEX, &s);
    CHECK(s.parsed);
    CHECK_STR(s.subject, "CN=neg");
    CHECK_STR(s.serial, "-05");
    CHECK_STR(s.not_after, "2026-12-23T10:44:37Z");
    CHECK_INT(s.not_after_t, 1798022677);
    CHECK_STR(s.key_type, "ec");
    CHECK_INT(s.key_bits, 384);
    CHECK_STR(s.curve, "secp384r1");
    CHECK_STR(s.signature_algorithm, "ecdsa-with-SHA256");
    CHECK_STR(s.sha256, "a7b7219ff8d43b5f3118c6fe32b7dbca55f44ee89b1c79bf2ed169cee048fadb");
    CHECK(s.self_signed);
    CHECK(s.is_ca);
}

static void test_caps(void)
{
    static struct tg_x509_summary s;
    printf("caps: 631-char subject (fits), 70-octet serial, 40 DNS and 20 IP SANs\n");
    summarize_hex(BIG_DER_HEX, &s);
    CHECK(s.parsed);
    CHECK_INT(strlen(s.subject), 631);
    CHECK(strncmp(s.subject, "OU=09-xxxxx", 11) == 0);
    CHECK(strcmp(s.subject + 619, ",CN=big.test") == 0);
    CHECK(!(s.truncated & (TG_X509_TRUNC_SUBJECT | TG_X509_TRUNC_ISSUER)));
    CHECK(s.truncated & TG_X509_TRUNC_SERIAL);
    CHECK_INT(strlen(s.serial), 130);
    CHECK(strncmp(s.serial, "7fabab", 6) == 0);
    CHECK_INT(s.n_san_dns, TG_X509_MAX_SAN_DNS);
    CHECK_INT(s.n_san_dns_total, 40);
    CHECK_STR(s.san_dns[31], "host31.big.test");
    CHECK(s.truncated & TG_X509_TRUNC_SAN_DNS_COUNT);
    CHECK_INT(s.n_san_ip, TG_X509_MAX_SAN_IP);
    CHECK_INT(s.n_san_ip_total, 20);
    CHECK_STR(s.san_ip[15], "10.1.0.15");
    CHECK(s.truncated & TG_X509_TRUNC_SAN_IP_COUNT);
    CHECK(!(s.truncated & TG_X509_TRUNC_SAN_DNS_NAME));
    CHECK_STR(s.sha256, "fd3ae198022a9ada16bbb13ed107af3cca637b7828e052c8c14f894303d92f5f");
}

/* C=DE, O="Glass, Inc.", OU=Zürich, CN=leaf.glass.test (DER order), and two
 * one-RDN names: OU=Zürich, O="Glass, Inc.". */
static const char NAME4_HEX[] =
    "304f310b300906035504061302444531143012060355040a0c0b476c6173732c20496e632e3110300e06"
    "0355040b0c075ac3bc726963683118301606035504030c0f6c6561662e676c6173732e74657374";
static const char NAME_UTF8_HEX[] = "30123110300e060355040b0c075ac3bc72696368";
static const char NAME_ESC_HEX[] = "301631143012060355040a0c0b476c6173732c20496e632e";

/* tg_x509_name_text of a hex DER name into a buffer of `cap`; the text must
 * be `want` and the cut flag `cut`. */
static void name_case(const char *hex, size_t cap, const char *want, bool cut, int line)
{
    struct tg_view der = view_from_hex(hex);
    char buf[64];
    bool was_cut = !cut;
    bool ok = tg_x509_name_text(der, buf, cap, &was_cut);
    check(ok, "tg_x509_name_text", line);
    check_str(buf, want, "name text", line);
    check(was_cut == cut, "cut flag", line);
    view_free(der);
}

static void test_name_cut(void)
{
    printf("names over the cap keep their whole leading RDNs\n");
    const char *full = "CN=leaf.glass.test,OU=Z\xc3\xbcrich,O=Glass\\, Inc.,C=DE";
    name_case(NAME4_HEX, 50, full, false, __LINE__);
    name_case(NAME4_HEX, 49, "CN=leaf.glass.test,OU=Z\xc3\xbcrich,O=Glass\\, Inc.", true, __LINE__);
    /* the escaped ',' inside O's value is no RDN boundary */
    name_case(NAME4_HEX, 40, "CN=leaf.glass.test,OU=Z\xc3\xbcrich", true, __LINE__);
    name_case(NAME4_HEX, 29, "CN=leaf.glass.test", true, __LINE__);
    /* not even the first RDN fits: cut at a character, never inside one */
    name_case(NAME4_HEX, 10, "CN=leaf.g", true, __LINE__);
    name_case(NAME_UTF8_HEX, 6, "OU=Z", true, __LINE__);
    name_case(NAME_UTF8_HEX, 7, "OU=Z\xc3\xbc", true, __LINE__);
    /* nor inside an escape */
    name_case(NAME_ESC_HEX, 9, "O=Glass", true, __LINE__);
    name_case(NAME_ESC_HEX, 10, "O=Glass\\,", true, __LINE__);
    name_case(NAME_ESC_HEX, 15, "O=Glass\\, Inc.", false, __LINE__);
}

static void test_garbage(void)
{
    static struct tg_x509_summary s;
    printf("garbage, empty, every prefix of a certificate, a trailing byte\n");
    static const char text[] = "not a certificate";
    struct tg_view junk = view_copy_text(text);
    tg_x509_summarize(junk, &s);
    CHECK(!s.parsed);
    CHECK_STR(s.sha1, "34491fe877745149646ce28c6b98961e9124390b");
    CHECK_STR(s.sha256, "47209c9b7af839de69e9a9cd625e9182c1ad63dae79ed88a2dd680fe34218620");
    CHECK_STR(s.subject, "");
    view_free(junk);

    struct tg_view empty = {NULL, 0};
    tg_x509_summarize(empty, &s);
    CHECK(!s.parsed);
    CHECK_STR(s.sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    struct tg_view der = view_from_hex(LEAF_DER_HEX);
    int parsed_prefixes = 0;
    for (size_t n = 0; n < der.len; n++) {
        struct tg_view prefix = view_copy(der.p, n);
        tg_x509_summarize(prefix, &s);
        parsed_prefixes += s.parsed;
        view_free(prefix);
    }
    CHECK_INT(parsed_prefixes, 0);

    uint8_t *longer = malloc(der.len + 1);
    if (!longer)
        abort();
    memcpy(longer, der.p, der.len);
    longer[der.len] = 0;
    struct tg_view plus = {longer, der.len + 1};
    tg_x509_summarize(plus, &s);
    CHECK(s.parsed);
    CHECK(s.trailing_bytes);
    CHECK_STR(s.subject, "O=Glass\\, Inc.,CN=leaf.glass.test");
    free(longer);
    view_free(der);
}

/* Finds `pat` in v and overwrites it with `with` (same length); false if absent. */
static bool patch(struct tg_view v, const char *pat, const char *with, size_t n)
{
    uint8_t *b = (uint8_t *)(uintptr_t)v.p;
    for (size_t i = 0; i + n <= v.len; i++) {
        if (memcmp(b + i, pat, n) == 0) {
            memcpy(b + i, with, n);
            return true;
        }
    }
    return false;
}

static void test_bad_text(void)
{
    static struct tg_x509_summary s;
    printf("a BMPString name, a dNSName with a NUL byte\n");
    struct tg_view der = view_from_hex(ED_DER_HEX);
    /* The CN, UTF8String "ed25519.test", becomes a BMPString of the same
     * length, "A\u00e9BCDE": printed as UTF-8. (A BMPString OpenSSL cannot
     * turn into UTF-8, such as a lone surrogate, fails d2i_X509 itself, so
     * the escaped fallback of name_text is a defence only.) */
    static const char cn[] = "\x0c\x0c"
                             "ed25519.test";
    static const char bmp[] = "\x1e\x0c\x00\x41\x00\xe9\x00\x42\x00\x43\x00\x44\x00\x45";
    CHECK(patch(der, cn, bmp, 14)); /* issuer */
    CHECK(patch(der, cn, bmp, 14)); /* subject */
    tg_x509_summarize(der, &s);
    CHECK(s.parsed);
    CHECK_STR(s.subject, "O=Z\xc3\xbcrich Ltd,CN=A\xc3\xa9"
                         "BCDE");
    CHECK_STR(s.issuer, s.subject);
    CHECK(!s.self_signed); /* the signature no longer matches */
    view_free(der);

    der = view_from_hex(LEAF_DER_HEX);
    CHECK(patch(der, "\x82\x0fleaf.glass", "\x82\x0fleaf\0glass", 12));
    tg_x509_summarize(der, &s);
    CHECK(s.parsed);
    CHECK_STR(s.san_dns[0], "leaf\\x00glass.test");
    CHECK_STR(s.san_dns[1], "*.glass.test");
    view_free(der);
}

static void test_parse_time(void)
{
    time_t t = 0;
    printf("tg_x509_parse_time\n");
    CHECK(tg_x509_parse_time("500101000000Z", &t));
    CHECK_INT(t, -631152000); /* UTCTime 50 is 1950 */
    CHECK(tg_x509_parse_time("491231235959Z", &t));
    CHECK_INT(t, 2524607999); /* and 49 is 2049 */
    CHECK(tg_x509_parse_time("20240229120000Z", &t));
    CHECK_INT(t, 1709208000);
    CHECK(tg_x509_parse_time("2026-11-23T10:44:31Z", &t));
    CHECK_INT(t, 1795430671);
    CHECK(tg_x509_parse_time("99991231235959Z", &t));
    CHECK_INT(t, 253402300799);
    CHECK(tg_x509_parse_time("00010101000000Z", &t));
    CHECK_INT(t, -62135596800);
    CHECK(tg_x509_parse_time("19700101000000Z", &t));
    CHECK_INT(t, 0);
    CHECK(!tg_x509_parse_time("20230229000000Z", &t)); /* not a leap year */
    CHECK(!tg_x509_parse_time("21000229000000Z", &t)); /* nor is 2100 */
    CHECK(!tg_x509_parse_time("20240431000000Z", &t));
    CHECK(!tg_x509_parse_time("20241301000000Z", &t));
    CHECK(!tg_x509_parse_time("20240101240000Z", &t));
    CHECK(!tg_x509_parse_time("20240101006000Z", &t));
    CHECK(!tg_x509_parse_time("20240101000000", &t));
    CHECK(!tg_x509_parse_time("2024010100000+Z", &t));
    CHECK(!tg_x509_parse_time("2026-11-23 10:44:31Z", &t));
    CHECK(!tg_x509_parse_time("00000101000000Z", &t));
    CHECK(!tg_x509_parse_time("", &t));
    CHECK(!tg_x509_parse_time(NULL, &t));
}

static void check_hex(const uint8_t *b, size_t n, const char *want, int line)
{
    char got[2 * 32 + 1];
    for (size_t i = 0; i < n; i++)
        snprintf(got + 2 * i, 3, "%02x", b[i]);
    check_str(got, want, "digest", line);
}

static void test_digests(void)
{
    printf("tg_digest_md5/sha1/sha256\n");
    uint8_t md5[TG_MD5_LEN], sha1[TG_SHA1_LEN], sha256[TG_SHA256_LEN];
    struct tg_view abc = view_from_hex("616263");
    CHECK(tg_digest_md5(abc, md5));
    check_hex(md5, sizeof md5, "900150983cd24fb0d6963f7d28e17f72", __LINE__);
    CHECK(tg_digest_sha1(abc, sha1));
    check_hex(sha1, sizeof sha1, "a9993e364706816aba3e25717850c26c9cd0d89d", __LINE__);
    CHECK(tg_digest_sha256(abc, sha256));
    check_hex(sha256, sizeof sha256,
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", __LINE__);
    view_free(abc);
}

/* Digests of short inputs are remembered per thread (x509.c): repeated,
 * evicted, same bytes under another algorithm, near-identical inputs and
 * inputs too long to remember all give what OpenSSL computes directly. */
static void test_digest_memo(void)
{
    printf("digest memo\n");
    uint8_t text[400];
    bool all_ok = true;
    for (int round = 0; round < 3; round++) {
        for (size_t n = 1; n <= sizeof text; n++) {
            for (size_t i = 0; i < n; i++)
                text[i] = (uint8_t)(i * 7 + n); /* the last byte differs between lengths */
            struct tg_view v = {text, n};
            uint8_t got[TG_SHA256_LEN], want[TG_SHA256_LEN];
            unsigned int len = 0;
            bool md5 = n % 2 == 0;
            bool ok = md5 ? tg_digest_md5(v, got) : tg_digest_sha256(v, got);
            ok = ok && EVP_Digest(text, n, want, &len, md5 ? EVP_md5() : EVP_sha256(), NULL) == 1;
            if (!ok || memcmp(got, want, len) != 0) {
                all_ok = false;
                printf("  length %zu, round %d: wrong digest\n", n, round);
            }
        }
    }
    CHECK(all_ok);
    struct tg_view abc = view_from_hex("616263"), abd = view_from_hex("616264");
    uint8_t md5[TG_MD5_LEN], sha256[TG_SHA256_LEN];
    CHECK(tg_digest_md5(abc, md5));
    CHECK(tg_digest_sha256(abc, sha256)); /* the same bytes, remembered under MD5 */
    check_hex(sha256, sizeof sha256,
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", __LINE__);
    CHECK(tg_digest_md5(abd, md5));
    CHECK(tg_digest_md5(abc, md5));
    check_hex(md5, sizeof md5, "900150983cd24fb0d6963f7d28e17f72", __LINE__);
    view_free(abc);
    view_free(abd);
}

int main(void)
{
    test_rsa();
    test_ec_chain();
    test_ed25519_utf8();
    test_negative_serial();
    test_caps();
    test_name_cut();
    test_garbage();
    test_bad_text();
    test_parse_time();
    test_digests();
    test_digest_memo();
    return testkit_finish();
}
