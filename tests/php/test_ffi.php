<?php
// crmkit from PHP through FFI, as a PHP CRM (SuiteCRM, vtiger) would load
// it: the flattened header include/crmkit_flat.h and the shared library.
// Run: php tests/php/test_ffi.php [path/to/libcrmkit.so]  (scripts/php-tests.sh)
declare(strict_types=1);

$root = dirname(__DIR__, 2);
$lib = $argv[1] ?? "$root/target/release/libcrmkit.so";
$ffi = FFI::cdef(file_get_contents("$root/include/crmkit_flat.h"), $lib);

$failed = 0;
function check(bool $ok, string $what): void {
    global $failed;
    echo ($ok ? "ok   " : "FAIL ") . $what . PHP_EOL;
    if (!$ok) { $failed++; }
}

// (a const char * result comes back as a PHP string)
// bytes in: a PHP string as (const uint8_t *, size_t)
function bytes(string $s): array {
    $n = strlen($s);
    $buf = FFI::new("uint8_t[" . max($n, 1) . "]", false);
    FFI::memcpy($buf, $s, $n);
    return [$buf, $n];
}

// text out: the two-call protocol (size first, then the buffer)
function text_out(FFI $ffi, callable $call): array {
    $need = FFI::new("size_t");
    $st = $call(null, 0, FFI::addr($need));
    if ($st !== $ffi->CRMKIT_OK && $st !== $ffi->CRMKIT_INSUFFICIENT_SIZE) {
        return [$st, null];
    }
    $n = $need->cdata;
    $buf = FFI::new("uint8_t[" . max($n, 1) . "]");
    $st = $call($buf, $n, FFI::addr($need));
    return [$st, $st === $ffi->CRMKIT_OK ? FFI::string($buf, $need->cdata) : null];
}

function last_error(FFI $ffi): string {
    [, $msg] = text_out($ffi, fn($b, $n, $o) => $ffi->crmkit_last_error_message($b, $n, $o));
    return (string) $msg;
}

// the header and the library agree
check($ffi->crmkit_abi_version() === $ffi->CRMKIT_ABI_VERSION, "ABI version of header and library");
check($ffi->crmkit_version() === sprintf("%d.%d.%d",
    $ffi->CRMKIT_VERSION_MAJOR, $ffi->CRMKIT_VERSION_MINOR, $ffi->CRMKIT_VERSION_PATCH), "version");

// NPS of eight answers: 4 promoters, 2 passives, 2 detractors
$scores = [10, 9, 9, 8, 7, 6, 3, 10];
$arr = FFI::new("double[" . count($scores) . "]");
foreach ($scores as $i => $v) { $arr[$i] = $v; }
$r = $ffi->new("crmkit_nps");
$st = $ffi->crmkit_survey_nps($arr, count($scores), null, 0.95, $ffi->CRMKIT_INTERVAL_WALD, FFI::addr($r));
check($st === $ffi->CRMKIT_OK && abs($r->nps - 25.0) < 1e-9 && $r->n === 8 && $r->detractors === 2, "survey NPS 25 of 8 answers");

// an answer out of range: a stable code and a message naming it
$arr[2] = 11;
$st = $ffi->crmkit_survey_nps($arr, count($scores), null, 0.95, $ffi->CRMKIT_INTERVAL_WALD, FFI::addr($r));
check($st === $ffi->CRMKIT_SURVEY_OUT_OF_RANGE, "out-of-range answer: CRMKIT_SURVEY_OUT_OF_RANGE");
check($ffi->crmkit_status_name($st) === "survey_out_of_range", "status name");
check(str_contains(last_error($ffi), "index 2"), "message names the index: " . last_error($ffi));

// a Turkish phone number as a CRM user types it
[$text, $n] = bytes("0212 123 45 67 dahili 12");
[$region, $rn] = bytes("TR");
[$st, $json] = text_out($ffi, fn($b, $l, $o) => $ffi->crmkit_contact_parse_phone($text, $n, $region, $rn, $b, $l, $o));
$phone = json_decode((string) $json, true);
check($st === $ffi->CRMKIT_OK && $phone["e164"] === "+902121234567" && $phone["extension"] === "12",
    "phone +902121234567 extension 12");

// tracking numbers round-trip, a typo is refused with the reason
[$prefix, $pn] = bytes("SK");
[$st, $tracking] = text_out($ffi, fn($b, $l, $o) => $ffi->crmkit_complaint_tracking_number(1234567, $prefix, $pn, $b, $l, $o));
check($st === $ffi->CRMKIT_OK && $tracking === "SK-3CFP-SV", "tracking number SK-3CFP-SV");
$seq = FFI::new("uint64_t");
[$t, $tn] = bytes("sk 3cfp sv");
check($ffi->crmkit_complaint_validate_tracking_number($t, $tn, FFI::addr($seq)) === $ffi->CRMKIT_OK
    && $seq->cdata === 1234567, "validation reads the sequence back");
[$t, $tn] = bytes("SK-3CFP-SX");
check($ffi->crmkit_complaint_validate_tracking_number($t, $tn, null) === $ffi->CRMKIT_INVALID_ARGUMENT,
    "a wrong check character is refused: " . last_error($ffi));

// invalid UTF-8 is refused, not read
[$bad, $bn] = bytes("\xff\xfe");
$st = $ffi->crmkit_complaint_validate_tracking_number($bad, $bn, null);
check($st === $ffi->CRMKIT_INVALID_UTF8, "invalid UTF-8: CRMKIT_INVALID_UTF8");

echo "php ffi tests: " . ($failed === 0 ? "all passed" : "$failed failed") . PHP_EOL;
exit($failed === 0 ? 0 : 1);
