# The lab services (infra/lab, TypeScript) compiled into $BUILD/app, plus the runtime packages they
# import (pg, nats and their dependencies) copied from the project's node_modules: no npm at build time.
rm -rf "$BUILD/app"
(cd "$ROOT" && npx tsc -p infra/lab/tsconfig.json --outDir "$BUILD/app") || return 1
mkdir -p "$BUILD/app/node_modules"
node -e '
  const fs = require("fs"), path = require("path");
  const [root, out] = process.argv.slice(1);
  const seen = new Set();
  const visit = (name) => {
    if (seen.has(name)) return;
    seen.add(name);
    const dir = path.join(root, "node_modules", name);
    fs.cpSync(dir, path.join(out, name), { recursive: true });
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    Object.keys(pkg.dependencies || {}).forEach(visit);
  };
  ["pg", "nats"].forEach(visit);
' "$ROOT" "$BUILD/app/node_modules"
