# Mount / and /boot/firmware read-only: add "ro" to their options (dropping
# any "rw"), whatever names the devices (pi-gen writes PARTUUID=..., the smoke
# build LABEL=...).  Comments and other lines pass through unchanged.
# Used by install-companion.sh:  awk -f readonly-fstab.awk /etc/fstab
BEGIN { OFS = "\t" }
/^[[:space:]]*#/ || NF < 4 { print; next }
($2 == "/" || $2 == "/boot/firmware") && $4 !~ /(^|,)ro(,|$)/ {
    n = split($4, opts, ",")
    kept = ""
    for (i = 1; i <= n; i++) {
        if (opts[i] != "rw" && opts[i] != "defaults" && opts[i] != "") {
            kept = kept (kept == "" ? "" : ",") opts[i]
        }
    }
    $4 = "defaults,ro" (kept == "" ? "" : "," kept)
}
{ print }
