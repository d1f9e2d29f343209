//! The `kube` handler: common Kubernetes intents ("list pods", "logs of api", "switch namespace
//! to web") turned into the `kubectl` command for the current context and namespace. The
//! context and namespace are written into the command so it means the same thing when run.

use std::time::Duration;

use super::words::{is_plain_name, Words};
use super::{Context, Handler, Reply, Request, Turn};

/// Turns Kubernetes intents into `kubectl` commands.
pub struct KubeHandler;

/// (words the user may type, the resource kubectl calls it, namespaced)
const RESOURCES: &[(&[&str], &str, bool)] = &[
    (&["pod", "pods", "po"], "pods", true),
    (
        &["deployment", "deployments", "deploy", "deploys"],
        "deployments",
        true,
    ),
    (&["service", "services", "svc"], "services", true),
    (&["node", "nodes"], "nodes", false),
    (&["namespace", "namespaces", "ns"], "namespaces", false),
    (&["ingress", "ingresses", "ing"], "ingresses", true),
    (&["configmap", "configmaps", "cm"], "configmaps", true),
    (&["secret", "secrets"], "secrets", true),
    (&["job", "jobs"], "jobs", true),
    (&["cronjob", "cronjobs"], "cronjobs", true),
    (
        &["statefulset", "statefulsets", "sts"],
        "statefulsets",
        true,
    ),
    (&["daemonset", "daemonsets", "ds"], "daemonsets", true),
    (&["pvc", "pvcs"], "persistentvolumeclaims", true),
    (&["event", "events"], "events", true),
    (&["replicaset", "replicasets", "rs"], "replicasets", true),
];

/// Words that mean the question is about git, not Kubernetes.
const GIT_WORDS: &[&str] = &[
    "git", "commit", "commits", "branch", "rebase", "merge", "stash", "repo",
];

/// Verbs and nouns skipped when looking for the name of a thing.
const SKIP: &[&str] = &[
    "pod",
    "pods",
    "deployment",
    "deploy",
    "service",
    "svc",
    "logs",
    "log",
    "describe",
    "restart",
    "rollout",
    "delete",
    "remove",
    "kill",
    "exec",
    "shell",
    "get",
    "show",
    "namespace",
    "ns",
    "context",
    "cluster",
    "follow",
    "tail",
    "container",
    "app",
    "port",
    "forward",
    "port-forward",
    "scale",
    "kubectl",
    "k8s",
    "kubernetes",
    "switch",
    "change",
    "use",
    "set",
    "previous",
    "last",
];

impl Handler for KubeHandler {
    fn name(&self) -> &'static str {
        "kube"
    }

    fn deadline(&self) -> Duration {
        Duration::from_secs(1)
    }

    fn handle(&self, req: &Request, _turn: &Turn) -> anyhow::Result<Option<Reply>> {
        let w = Words::new(req.text());
        if w.is_empty() || matches!(w.get(0), Some("kubectl" | "k" | "oc")) || w.has(GIT_WORDS) {
            return Ok(None);
        }
        Ok(intent(&w, req.context()))
    }
}

fn resource(w: &Words<'_>) -> Option<(&'static str, bool, usize)> {
    RESOURCES
        .iter()
        .filter_map(|(words, name, namespaced)| w.find(words).map(|i| (*name, *namespaced, i)))
        .min_by_key(|&(_, _, i)| i)
}

/// `--context C -n NS` for the current context (namespace `default` when none is set).
fn scope(ctx: &Context, namespaced: bool, all: bool) -> String {
    let mut s = String::new();
    if let Some(c) = ctx.kube_context().filter(|c| is_plain_name(c)) {
        s.push_str(" --context ");
        s.push_str(&c);
    }
    if all {
        s.push_str(" -A");
    } else if namespaced {
        let ns = ctx
            .namespace()
            .filter(|n| is_plain_name(n))
            .unwrap_or_else(|| "default".into());
        s.push_str(" -n ");
        s.push_str(&ns);
    }
    s
}

fn place(ctx: &Context) -> String {
    match ctx.kube_context() {
        Some(c) => format!(
            "namespace {} of context {c}",
            ctx.namespace().unwrap_or_else(|| "default".into())
        ),
        None => "the default namespace".into(),
    }
}

fn reply(answer: String, command: String) -> Option<Reply> {
    Some(Reply {
        answer,
        command: Some(command),
    })
}

/// The first name after `i` that is not a number (a port or a count).
fn non_number_after(w: &Words<'_>, i: usize) -> Option<String> {
    w.names_after(i, SKIP)
        .into_iter()
        .find(|n| n.parse::<u32>().is_err())
        .filter(|n| is_plain_name(n))
        .map(str::to_owned)
}

fn name_after(w: &Words<'_>, i: usize) -> Option<String> {
    w.name_after(i, SKIP)
        .filter(|n| is_plain_name(n))
        .map(str::to_owned)
}

#[allow(clippy::too_many_lines)] // one flat table of intents reads better than ten helpers
fn intent(w: &Words<'_>, ctx: &Context) -> Option<Reply> {
    let res = resource(w);
    let switching = w.has(&["switch", "change", "use", "set", "go"]);
    // Switch namespace / context.
    if switching {
        if let Some(i) = w.find(&["namespace", "ns"]) {
            let ns = name_after(w, i)?;
            return reply(
                format!("Make {ns} the namespace of the current context."),
                format!("kubectl config set-context --current --namespace={ns}"),
            );
        }
        if let Some(i) = w.find(&["context", "cluster"]) {
            let c = name_after(w, i)?;
            return reply(
                format!("Switch kubectl to context {c}."),
                format!("kubectl config use-context {c}"),
            );
        }
    }
    if w.has(&["contexts", "clusters"]) && w.has(&["list", "show", "get", "what", "which", "all"]) {
        return reply(
            "List the contexts in your kubeconfig.".into(),
            "kubectl config get-contexts".into(),
        );
    }
    // Logs.
    if let Some(i) = w.find(&["logs", "log"]) {
        // "logs of api" or "api logs".
        let name = name_after(w, i).or_else(|| {
            w.name_before(i, SKIP)
                .filter(|n| is_plain_name(n))
                .map(str::to_owned)
        })?;
        let follow = if w.has(&["follow", "tail", "stream", "watch", "live"]) {
            " -f"
        } else {
            ""
        };
        let previous = if w.has(&["previous", "crashed", "last"]) {
            " --previous"
        } else {
            ""
        };
        let target = match res {
            Some(("deployments", ..)) => format!("deployment/{name}"),
            _ => name.clone(),
        };
        return reply(
            format!("Logs of {name} in {}.", place(ctx)),
            format!(
                "kubectl logs{} {target}{follow}{previous}",
                scope(ctx, true, false)
            ),
        );
    }
    // Describe.
    if let Some(i) = w.find(&["describe"]) {
        let (kind, namespaced) = res.map_or(("pod", true), |(r, n, _)| (singular(r), n));
        let name = name_after(w, i)?;
        return reply(
            format!("Describe {kind} {name} in {}.", place(ctx)),
            format!(
                "kubectl describe{} {kind} {name}",
                scope(ctx, namespaced, false)
            ),
        );
    }
    // Port-forward.
    if w.has(&["port-forward", "forward", "portforward"]) {
        let i = w.find(&["port-forward", "forward", "portforward"])?;
        let name = non_number_after(w, i)?;
        let port = w.number()?;
        let kind = match res {
            Some(("services", ..)) => "svc/",
            Some(("deployments", ..)) => "deployment/",
            _ => "pod/",
        };
        return reply(
            format!(
                "Forward local port {port} to {kind}{name} in {} (stop with Ctrl-C).",
                place(ctx)
            ),
            format!(
                "kubectl port-forward{} {kind}{name} {port}:{port}",
                scope(ctx, true, false)
            ),
        );
    }
    // Rollout restart.
    if w.has(&["restart", "redeploy"]) {
        let i = w.find(&["restart", "redeploy"])?;
        let name = name_after(w, i)?;
        return reply(
            format!(
                "Restart the pods of deployment {name} in {}, one by one.",
                place(ctx)
            ),
            format!(
                "kubectl rollout restart{} deployment/{name}",
                scope(ctx, true, false)
            ),
        );
    }
    // Scale.
    if let Some(i) = w.find(&["scale"]) {
        let name = non_number_after(w, i)?;
        let n = w.number()?;
        return reply(
            format!("Scale deployment {name} in {} to {n} replicas.", place(ctx)),
            format!(
                "kubectl scale{} deployment/{name} --replicas={n}",
                scope(ctx, true, false)
            ),
        );
    }
    // Delete.
    if let Some(i) = w.find(&["delete", "remove", "kill"]) {
        let (r, namespaced, _) = res?;
        let kind = singular(r);
        let name = name_after(w, i)?;
        return reply(
            format!(
                "Delete {kind} {name}{}.",
                if namespaced {
                    format!(" in {}", place(ctx))
                } else {
                    String::new()
                }
            ),
            format!(
                "kubectl delete{} {kind} {name}",
                scope(ctx, namespaced, false)
            ),
        );
    }
    // Exec.
    if w.has(&["exec", "shell", "ssh"]) && w.has(&["into", "in", "pod", "on"]) {
        let i = w.find(&["exec", "shell", "ssh"])?;
        let name = name_after(w, i)?;
        return reply(
            format!("Open a shell in pod {name} in {}.", place(ctx)),
            format!("kubectl exec -it{} {name} -- sh", scope(ctx, true, false)),
        );
    }
    // Usage.
    if w.has(&["cpu", "memory", "usage", "top"]) {
        let (r, namespaced) = match res {
            Some(("nodes", ..)) => ("nodes", false),
            _ => ("pods", true),
        };
        return reply(
            format!(
                "CPU and memory of the {r} in {}.",
                if namespaced {
                    place(ctx)
                } else {
                    "the cluster".into()
                }
            ),
            format!("kubectl top {r}{}", scope(ctx, namespaced, false)),
        );
    }
    // List.
    let (r, namespaced, _) = res?;
    if w.has(&[
        "list", "show", "get", "what", "which", "all", "running", "see", "display",
    ]) || w.len() <= 2
    {
        let all = w.has_phrase(&["all", "namespaces"]) && r != "namespaces";
        let where_ = if all {
            "all namespaces".to_owned()
        } else if namespaced {
            place(ctx)
        } else {
            "the cluster".into()
        };
        return reply(
            format!("The {r} in {where_}."),
            format!("kubectl get {r}{}", scope(ctx, namespaced, all)),
        );
    }
    None
}

fn singular(resource: &str) -> &str {
    match resource {
        "pods" => "pod",
        "deployments" => "deployment",
        "services" => "service",
        "nodes" => "node",
        "namespaces" => "namespace",
        "ingresses" => "ingress",
        "configmaps" => "configmap",
        "secrets" => "secret",
        "jobs" => "job",
        "cronjobs" => "cronjob",
        "statefulsets" => "statefulset",
        "daemonsets" => "daemonset",
        "persistentvolumeclaims" => "pvc",
        "replicasets" => "replicaset",
        other => other,
    }
}

#[cfg(test)]
mod tests;
