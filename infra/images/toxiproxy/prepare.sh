# Toxiproxy is not in Debian: build the pinned release as a static binary (the command is named `server`).
go_install_static github.com/Shopify/toxiproxy/v2/cmd/server@v2.12.0 "$BUILD"
