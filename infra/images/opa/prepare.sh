# OPA is not in Debian: build the pinned release as a static binary (CGO_ENABLED=0, -trimpath).
go_install_static github.com/open-policy-agent/opa@v1.4.2 "$BUILD"
