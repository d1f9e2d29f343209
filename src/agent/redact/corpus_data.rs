//! The redaction corpus of issue 14, as data: secret forms in the surroundings people paste
//! them in (shell lines, config files, credential files, HTTP headers), and look-alikes (a git
//! sha, a UUID, kube names, `secretName: tls-acme-io`) that must stay as they were. Shared by
//! the unit test beside it and by `tests/ask_redact.rs`, which sends each one to a loopback
//! model server. Secrets are built from pieces so no scanner flags this file.

pub fn fake(prefix: &str, body: &str, n: usize) -> String {
    let mut s = prefix.to_owned();
    while s.len() < prefix.len() + n {
        s.push_str(body);
    }
    s.truncate(prefix.len() + n);
    s
}

/// (where the secret sits, with `{}` for it; the secret)
pub fn corpus() -> Vec<(&'static str, String)> {
    let b64_40 = fake("", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYz9", 40);
    let jwt_part = |n| fake("eyJ", "hbGciOiJSUzI1NiIsInR5cCI6", n);
    let jwe = format!(
        "{}..{}.{}.{}",
        jwt_part(40),
        fake("", "48V1_ALb6US04U3b", 22),
        fake(
            "",
            "5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6ji",
            80
        ),
        fake("", "XFBoMYUZodetZdvTiFvSkQ", 22)
    );
    let hex32 = fake("", "0a1b2c3d4e5f6789", 32);
    vec![
        // Token families by prefix.
        ("export OPENAI_KEY_X {} now", fake("sk-proj-", "Ab3dEf6h9J", 56)),
        ("git remote set-url origin https://{}@github.com/o/r", fake("ghp_", "R2d2C3po7Z", 36)),
        ("GITLAB runner registered with {} ok", fake("glrt-", "t3_Zx9yW8vU7", 24)),
        ("curl -H \"PRIVATE-TOKEN: {}\" https://gitlab.example.com", fake("glpat-", "a1B2c3D4e5", 20)),
        ("gcloud printed {} as the access token", fake("ya29.", "a0AfH6SMBx1y2Z_-", 120)),
        ("VAULT_TOKEN={} vault kv get secret/x", fake("hvs.", "CAESIJ1x2Y3z4", 90)),
        ("vault login {}", fake("s.", "Qx7Lm2Np9Rt4", 24)),
        ("sendgrid key {} fails", format!("{}.{}", fake("SG.", "nJ4mK2xL9pQ", 22), fake("", "r7Yt5Uw3Zv1Xb8Nc6", 43))),
        ("databricks auth {} expired", format!("dapi{hex32}")),
        ("shopify admin token {}", format!("shpat_{hex32}")),
        ("mailgun api key {} here", fake("key-", "3ax6xnjp29jd6fds4gc373sgvjxteol0", 32)),
        ("age key file has {}", fake("AGE-SECRET-KEY-1", "QYZ8V6P4N2M0L9K7J5H3G1F", 58)),
        ("slack {} broken", fake("xoxb-", "1234-5678-abcd", 40)),
        ("stripe {} live", fake("sk_live_", "4eC39HqLyjWDarjtT1zdp7dc", 24)),
        ("hf token {} for the model", fake("hf_", "aB3dE6gH9jK2mN5pQ8", 34)),
        ("npm config set //registry.npmjs.org/:_authToken {}", fake("npm_", "Zx9Yw8Vu7Ts6", 36)),
        ("token {}", fake("github_pat_", "11ABCDE_xyz9", 70)),
        ("my service account token {} expired", format!("{}.{}.{}", jwt_part(30), jwt_part(60), fake("", "Sig_nAtUrE-0123", 40))),
        ("encrypted token {} from the idp", jwe),
        // AWS.
        ("aws_access_key_id = {}", fake("AKIA", "IOSFODNN7EXAMPLE", 16)),
        ("aws configure set aws_secret_access_key {}", b64_40.clone()),
        ("[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {}\n", b64_40.clone()),
        ("keys: AKIAIOSFODNN7EXAMPLE {} for aws", b64_40.clone()),
        ("export AWS_SESSION_TOKEN={}", fake("IQoJb3JpZ2luX2Vj", "EPz//////////wEaCXVz", 120)),
        // Azure.
        ("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={};EndpointSuffix=core.windows.net", fake("", "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsu", 86)),
        ("https://acct.blob.core.windows.net/c?sv=2022-11-02&ss=b&sig={}&se=2030", fake("", "Xk2%2FY9zq8W7vU6t5S4r3Q", 44)),
        ("az login -u me@example.com -p {}", "Hunter2-Azure!".into()),
        ("az ad sp create --client-secret {} now", fake("", "Qw8~Rt5.Yu2_Io9", 34)),
        // Passwords on command lines.
        ("mysql -u root -p{} -h db", "S3cretPw9".into()),
        ("MYSQL_PWD={} mysql -u root", "pl4inpass".into()),
        ("curl -u admin:{} https://api.example.com", "adm1nPass".into()),
        ("curl --user bob:{} -X POST x", "b0bsecret".into()),
        ("docker login -u me -p {} registry.example.com", "d0ckerPw!".into()),
        ("echo x | docker login --password {} --username me", "pw-in-flag-2".into()),
        ("sshpass -p {} ssh root@host", "r00tpass".into()),
        ("sshpass -p'{}' scp a b:", "qu0ted".into()),
        ("redis-cli -h cache -a {} FLUSHALL", "redisPw123".into()),
        ("openssl enc -aes-256-cbc -pass pass:{} -in a -out b", "encPw-42".into()),
        ("openssl pkcs12 -export -passout pass:{} -out x.p12", "p12-secret".into()),
        ("ldapsearch -x -D cn=admin -w {} -b dc=x", "ldapPw7".into()),
        ("smbclient //srv/share -U alice%{}", "sm8Pass".into()),
        ("sqlcmd -S db -U sa -P {} -Q x", "Sq1Pass!".into()),
        ("keytool -importcert -storepass {} -file c.pem", "changeit42".into()),
        ("psql postgres://app:{}@db:5432/app", "pgP4ss".into()),
        ("git clone https://bob:{}@github.com/o/r", fake("", "p4ss", 12)),
        ("mongosh -u admin -p {} --host db", "m0ngoPw".into()),
        // Config files.
        ("[database]\npassword = \"{}\"\nport = 5432", "toml-s3cret".into()),
        ("[client]\nuser=root\npassword={}\n", "ini-pa55".into()),
        ("db:\n  password: {}\n  host: x", "yaml-inline-9".into()),
        ("db:\n  password:\n    {}\n  host: x", "yaml-next-line-9".into()),
        ("stringData:\n  token: |\n    {}\n  other: x", fake("", "line0ne-of-a-block", 30)),
        ("{\"password\" : \"{}\"}", "json-spaced-1".into()),
        ("{\"client_secret\":\"{}\",\"client_id\":\"abc\"}", "cl13nt-s3cret".into()),
        ("env:\n- name: API_TOKEN\n  value: x\nAPI_TOKEN={}", "envtok3n".into()),
        ("DB_PASSWORD={} ./run", "correct-horse-battery".into()),
        ("spring.datasource.password={}", "spr1ngPw".into()),
        ("client-key-data: {}", fake("LS0tLS1", "CRUdJTiBSU0E", 80)),
        ("secretKey: {}", "camelCaseSecret9".into()),
        ("x-api-key: {}", fake("", "k3yV4lue", 32)),
        // Credential files.
        ("machine api.example.com login bob password {}\n", "netrcPw99".into()),
        ("localhost:5432:app:alice:{}", "pgpassPw1".into()),
        ("{\"auths\":{\"registry.example.com\":{\"auth\":\"{}\"}}}", fake("", "Ym9iOnMzY3JldA", 28)),
        ("https://bob:{}@github.com", fake("ghp_", "Q1w2E3r4T5", 36)),
        // Headers and cookies.
        ("curl -H 'Authorization: Bearer {}' x", fake("", "abc.DEF-123_x", 40)),
        ("Authorization: Basic {}", fake("", "YWxhZGRpbjpvcGVuc2VzYW1l", 24)),
        ("Cookie: theme=dark; session={}; lang=en", fake("", "eyJ1aWQiOjQyfQ.Zk9x", 40)),
        ("Set-Cookie: sessionid={}; HttpOnly", fake("", "38afes7a8x9", 32)),
        ("curl -b '_gh_sess={}' https://github.com", fake("", "Tk3Lx9Pq2", 60)),
        // Keys.
        ("why does this fail:\n{}\nhelp", format!("-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----", fake("MIIE", "owIBAAKCAQEA", 64))),
        ("webhook https://hooks.slack.com/services/{} down", "T000/B000/XXXXabcd".into()),
        // Glued to a name: a branch, a directory, a variable.
        ("git checkout feature/fix-{}", fake("ghp_", "R2d2C3po7Z", 36)),
        ("cd ~/work/client_{}/app", fake("sk-proj-", "Ab3dEf6h9J", 48)),
        ("deploy-{}.log is huge", fake("AKIA", "Z7Y6X5W4V3U2T1S0", 16)),
        // Added after the first corpus: prose, escapes, more flags.
        ("my password is {} but login fails", "Hunter2!x".into()),
        ("the api token was {}.", "abc123def456ghi".into()),
        ("{\"password\": \"{}\"}", "a\\\"quoted\\\"pw9".into()),
        ("htpasswd -b /etc/nginx/.htpasswd admin {}", "Htp4ss".into()),
        ("ssh-keygen -t ed25519 -N {} -f k", "k3yPhrase".into()),
        ("bot {} stopped answering", format!("{}:{}", "123456789", fake("", "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", 35))),
        ("Server=db;Database=app;Uid=sa;Pwd={};", "0dbcPw!".into()),
        ("jdbc:mysql://db/app?user=u&password={}&ssl=true", "jdbcPw7".into()),
    ]
}

/// Text that must come out exactly as it went in.
pub const CONTROLS: &[&str] = &[
    "git show 3f786850e387550fdab836ed7e6dc881de23001b",
    "kubectl get pod 123e4567-e89b-12d3-a456-426614174000 -o yaml",
    "switch to context arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu",
    "kubectl config use-context gke_my-project_europe-west1_prod",
    "secretName: tls-acme-io",
    "\"tokenizer_class\": \"LlamaTokenizer\"",
    "password_min_length: 12",
    "max_tokens=100 temperature=0.2",
    "which cluster am I on",
    "how do I reset my password on the cluster",
    "the secret ingredient is love",
    "export PWD=/home/me OLDPWD=/tmp",
    "kind: Secret\nmetadata:\n  name: db-credentials",
    "valueFrom:\n  secretKeyRef:\n    name: db\n    key: password",
    "passwordFile: /etc/app/pw.txt",
    "mysql -u root -p -h db",
    "git log --author=bob --oneline",
    "session_timeout=30",
    "docker run -p 8080:80 nginx",
    "curl -u bob https://x.example.com",
    "a monkey-wrench and a key-value store",
    "sort -k 2 file | uniq -c",
    "rapid dapi dapper",
    "aws s3 ls s3://my-bucket/path --recursive",
    "token_count: 5",
    "SG.1 is section one",
    "my password is wrong",
    "the token is expired, how do I refresh it",
    "htpasswd -c /etc/nginx/.htpasswd admin",
];
