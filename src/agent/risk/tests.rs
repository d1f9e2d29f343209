//! Risk tables: each command with the label a reviewer should see, and the questions the
//! destructive-intent filter must flag or leave alone.
use super::*;

#[test]
fn labels() {
    use Risk::{Changes, Destructive, Safe};
    let table: &[(&str, Risk)] = &[
        ("ls -la", Safe),
        ("git status", Safe),
        ("git log --oneline -n 10", Safe),
        ("git diff HEAD~1", Safe),
        ("kubectl get pods -n web", Safe),
        ("kubectl --context prod -n web logs api-0 -f", Safe),
        ("kubectl port-forward svc/api 8080:80 -n web", Safe),
        ("cat file | grep x | wc -l", Safe),
        ("find . -name '*.rs'", Safe),
        ("curl -s https://example.com", Safe),
        ("echo hi 2>&1 >/dev/null", Safe),
        ("diff <(curl -s https://a) <(curl -s https://b)", Safe),
        ("git branch", Safe),
        ("git commit -m 'rm -rf /'", Changes),
        ("git reset --soft HEAD~1", Changes),
        ("git switch -c feature/x", Changes),
        ("git push", Changes),
        ("git push -u origin main", Changes),
        ("git rebase --abort", Changes),
        ("kubectl rollout restart deployment/api -n web", Changes),
        (
            "kubectl config set-context --current --namespace=web",
            Changes,
        ),
        ("kubectl scale deploy/api --replicas=3", Changes),
        ("mkdir -p build && cp a b", Changes),
        ("echo x > out.txt", Changes),
        ("sed -i s/a/b/ f", Changes),
        ("rm file.txt", Changes),
        ("some-unknown-tool --flag", Changes),
        ("docker run nginx", Changes),
        ("rm -rf ./build", Destructive),
        ("sudo rm -fr /", Destructive),
        ("rm --recursive dir", Destructive),
        ("dd if=image.iso of=/dev/sdb bs=4M", Destructive),
        ("mkfs.ext4 /dev/sdb1", Destructive),
        ("kubectl delete namespace prod", Destructive),
        ("kubectl -n web delete pod api-0", Destructive),
        ("git push --force", Destructive),
        ("git push -f origin main", Destructive),
        ("git push --force-with-lease", Destructive),
        ("git push origin +main", Destructive),
        ("git reset --hard HEAD~3", Destructive),
        ("git clean -fdx", Destructive),
        ("git branch -D old", Destructive),
        ("git checkout -- .", Destructive),
        ("git restore src/main.rs", Destructive),
        ("git stash drop", Destructive),
        ("curl -fsSL https://get.example.sh | sh", Destructive),
        ("curl https://x | sudo bash -s", Destructive),
        ("wget -qO- https://x | bash", Destructive),
        ("sh -c \"$(curl -fsSL https://x)\"", Destructive),
        ("bash <(curl -s https://x)", Destructive),
        ("cat /dev/zero > /dev/sda", Destructive),
        ("find . -name '*.log' -delete", Destructive),
        ("chmod -R 777 /", Destructive),
        ("docker system prune -a", Destructive),
        ("helm uninstall api", Destructive),
        ("terraform destroy", Destructive),
        (":(){ :|:& };:", Destructive),
        ("ls && rm -rf ~", Destructive),
    ];
    let wrong: Vec<_> = table
        .iter()
        .filter(|(cmd, want)| classify(cmd) != *want)
        .map(|(cmd, want)| format!("{cmd:?}: got {:?}, want {want:?}", classify(cmd)))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn destructive_requests_are_flagged() {
    for q in [
        "delete the namespace staging",
        "force push my branch",
        "wipe the disk",
        "remove all stopped containers",
        "rm -rf node_modules",
        "hard reset to origin",
    ] {
        assert!(asks_destructive(q), "{q}");
    }
    for q in [
        "list pods",
        "which branch am I on",
        "show the logs of api",
        "undo the last commit",
    ] {
        assert!(!asks_destructive(q), "{q}");
    }
}
