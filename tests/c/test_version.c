#include "crmkit.h"
#include "check.h"

int main(void) {
    char expected[32];
    snprintf(expected, sizeof expected, "%u.%u.%u", CRMKIT_VERSION_MAJOR,
             CRMKIT_VERSION_MINOR, CRMKIT_VERSION_PATCH);
    CHECK(strcmp(crmkit_version(), expected) == 0);
    CHECK(crmkit_abi_version() == CRMKIT_ABI_VERSION);
    return check_summary("test_version");
}
