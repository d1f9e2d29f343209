# The two benchmark scenarios, shared by benches/compare.sh and benches/hook_cost.sh (sourced,
# not run): "small" is a repo with three commits and a 3-context kubeconfig; "big" is a repo
# with 20k packed tags and 2k loose branches and a 2.6 MB kubeconfig of 400 EKS-like contexts.
# Each function takes the repo folder and the HOME folder to fill; git must ignore the
# caller's config (GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null).

make_small_scenario() { # repo home
  mkdir -p "$1" "$2/.kube"
  cat >"$2/.kube/config" <<'YAML'
apiVersion: v1
kind: Config
current-context: prod-eu
contexts:
- name: prod-eu
  context: {cluster: prod, user: admin, namespace: payments}
- name: staging
  context: {cluster: staging, user: admin}
- name: dev
  context: {cluster: dev, user: admin, namespace: default}
clusters:
- name: prod
  cluster: {server: "https://127.0.0.1:6443"}
users:
- name: admin
  user: {token: not-a-secret}
YAML
  (
    cd "$1" || exit 1
    git init -q -b feature/login
    for i in 1 2 3; do echo "$i" >"f$i"; git add .; git -c user.name=b -c user.email=b@b commit -qm "c$i"; done
  )
}

make_big_scenario() { # repo home
  mkdir -p "$1" "$2/.kube"
  (
    cd "$1" || exit 1
    git init -q -b main
    echo x >f && git add f && git -c user.name=b -c user.email=b@b commit -qm c
    seq 1 20000 | sed 's|.*|create refs/tags/v&.0.0 HEAD|' | git update-ref --stdin
    git pack-refs --all
    seq 1 2000 | sed 's|.*|create refs/heads/topic-& HEAD|' | git update-ref --stdin
  )
  python3 - "$2/.kube/config" <<'PY'
import sys
cert = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t" * 90
out = ["apiVersion: v1", "kind: Config", "clusters:"]
for i in range(400):
    out += ["- cluster:", f"    certificate-authority-data: {cert}", f"    server: https://c{i}.example.com", f"  name: c{i}"]
out.append("contexts:")
for i in range(400):
    out += ["- context:", f"    cluster: c{i}", f"    namespace: ns{i}", f"    user: u{i}", f"  name: arn:aws:eks:eu-west-1:123456789012:cluster/c{i}"]
out.append("current-context: arn:aws:eks:eu-west-1:123456789012:cluster/c217")
out.append("users:")
for i in range(400):
    out += [f"- name: u{i}", "  user:", f"    client-key-data: {cert}"]
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
}
