//! Intent table for the kube handler: question in, kubectl command out, for a known context.
use super::*;
use crate::name::Name;
use crate::segment::kube;

fn ctx(c: Option<(&str, Option<&str>)>) -> Context {
    Context {
        kube: c.map(|(c, ns)| kube::Info {
            context: Name::new(c.as_bytes()),
            namespace: ns.map(|n| Name::new(n.as_bytes())),
            context_from: 0,
            defined_in: Some(0),
        }),
        ..Context::default()
    }
}

fn command(q: &str, c: &Context) -> Option<String> {
    let w = Words::new(q);
    if matches!(w.get(0), Some("kubectl" | "k" | "oc")) || w.has(GIT_WORDS) {
        return None;
    }
    intent(&w, c).and_then(|r| r.command)
}

#[test]
fn intents() {
    let c = ctx(Some(("prod", Some("web"))));
    let s = "--context prod -n web";
    let table: Vec<(&str, Option<String>)> = vec![
        ("list pods", Some(format!("kubectl get pods {s}"))),
        ("show me the pods", Some(format!("kubectl get pods {s}"))),
        ("pods", Some(format!("kubectl get pods {s}"))),
        (
            "list pods in all namespaces",
            Some("kubectl get pods --context prod -A".into()),
        ),
        (
            "what deployments are there",
            Some(format!("kubectl get deployments {s}")),
        ),
        (
            "list nodes",
            Some("kubectl get nodes --context prod".into()),
        ),
        (
            "logs of api-7f9c",
            Some(format!("kubectl logs {s} api-7f9c")),
        ),
        (
            "show me the logs for pod worker-0, follow them",
            Some(format!("kubectl logs {s} worker-0 -f")),
        ),
        (
            "describe pod api-0",
            Some(format!("kubectl describe {s} pod api-0")),
        ),
        (
            "describe deployment api",
            Some(format!("kubectl describe {s} deployment api")),
        ),
        (
            "switch namespace to staging",
            Some("kubectl config set-context --current --namespace=staging".into()),
        ),
        (
            "change ns to kube-system",
            Some("kubectl config set-context --current --namespace=kube-system".into()),
        ),
        (
            "use context kind-dev",
            Some("kubectl config use-context kind-dev".into()),
        ),
        ("list contexts", Some("kubectl config get-contexts".into())),
        (
            "port-forward svc api 8080",
            Some(format!("kubectl port-forward {s} svc/api 8080:8080")),
        ),
        (
            "forward port 5432 to pod db-0",
            Some(format!("kubectl port-forward {s} pod/db-0 5432:5432")),
        ),
        (
            "rollout restart deployment api",
            Some(format!("kubectl rollout restart {s} deployment/api")),
        ),
        (
            "restart the api deployment",
            Some(format!("kubectl rollout restart {s} deployment/api")),
        ),
        (
            "scale api to 3",
            Some(format!("kubectl scale {s} deployment/api --replicas=3")),
        ),
        (
            "delete namespace old",
            Some("kubectl delete --context prod namespace old".into()),
        ),
        (
            "kill pod api-0",
            Some(format!("kubectl delete {s} pod api-0")),
        ),
        (
            "exec into pod api-0",
            Some(format!("kubectl exec -it {s} api-0 -- sh")),
        ),
        ("cpu usage of pods", Some(format!("kubectl top pods {s}"))),
        ("kubectl get pods", None),
        ("show the git log", None),
        ("undo the last commit", None),
        ("what is the meaning of life", None),
        ("logs of $(rm -rf ~)", None),
    ];
    for (q, want) in table {
        assert_eq!(command(q, &c), want, "{q}");
    }
}

#[test]
fn without_a_namespace_the_default_one_is_named_and_without_a_context_nothing_is() {
    assert_eq!(
        command("list pods", &ctx(Some(("kind", None)))).as_deref(),
        Some("kubectl get pods --context kind -n default")
    );
    assert_eq!(
        command("list pods", &ctx(None)).as_deref(),
        Some("kubectl get pods -n default")
    );
}
