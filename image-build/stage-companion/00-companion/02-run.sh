#!/bin/bash -e
# pi-gen runs this on the build host after installing 00-packages and
# 01-packages into ${ROOTFS_DIR}.  All the work is in the one install script,
# which the QEMU smoke image runs too; build-pi-image.sh made the wheelhouse.
: "${COMPANION_WHEELHOUSE:?set by build-pi-image.sh in the pi-gen config}"
"${STAGE_DIR}/../install-companion.sh" "${ROOTFS_DIR}" "${COMPANION_WHEELHOUSE}"
# An SSH public key given at build time goes where a user would put one.
if [ -n "${COMPANION_SSH_KEY:-}" ]; then
	install -m 0644 "${COMPANION_SSH_KEY}" "${ROOTFS_DIR}/boot/firmware/ssh_authorized_keys"
fi
