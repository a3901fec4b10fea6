"""Each Vault-client and env-schema idiom, found where it is used and not where it is only named."""

from __future__ import annotations

import re

import pytest

from gates.checks.env_schemas import VALIDATORS, found_validator
from gates.checks.vault_clients import client_uses
from gates.documents import Document, detect_kind


def doc(path: str, text: str) -> Document:
    return Document(path, text, detect_kind(path, text))


def clients(path: str, text: str) -> list[tuple[str, int]]:
    return [(u.client, u.line) for u in client_uses(doc(path, text))]


@pytest.mark.parametrize(("path", "text", "client"), [
    ("a.py", "import hvac\n", "hvac"),
    ("a.py", "from hvac.api import auth_methods\n", "hvac"),
    ("a.py", "c = hvac.Client(url=u)\n", "hvac"),
    ("a.py", 'requests.get(f"{VAULT_ADDR}/v1/kv/data/app")\n', "raw Vault HTTP API"),
    ("a.py", 'h = {"X-Vault-Token": t}\n', "raw Vault HTTP API"),
    ("a.js", 'const v = require("node-vault")();\n', "node-vault"),
    ("a.mjs", "const v = await import('@litehex/node-vault');\n", "@litehex/node-vault"),
    ("a.ts", 'import Vault from "hashi-vault-js";\n', "hashi-vault-js"),
    ("a.ts", 'import { VaultClient } from "@creditkarma/vault-client";\n',
     "@creditkarma/vault-client"),
    ("a.ts", 'import "node-vault-client";\n', "node-vault-client"),
    ("a.js", 'fetch(`${VAULT_ADDR}/v1/database/creds/app`)\n', "raw Vault HTTP API"),
    ("a.go", 'import vault "github.com/hashicorp/vault/api"\n', "github.com/hashicorp/vault/api"),
    ("a.go", '\t"github.com/hashicorp/vault/api/auth/approle"\n', "github.com/hashicorp/vault/api"),
    ("a.go", '\t"github.com/hashicorp/vault-client-go/schema"\n', "vault-client-go"),
    ("A.java", "import org.springframework.vault.core.VaultTemplate;\n", "Spring Vault"),
    ("A.java", "@VaultPropertySource(\"secret/app\")\n", "Spring Vault"),
    ("A.kt", "import org.springframework.cloud.vault.config.VaultProperties\n", "Spring Vault"),
    ("A.java", "import io.github.jopenlibs.vault.Vault;\n", "vault-java-driver (jopenlibs)"),
    ("A.java", "import com.bettercloud.vault.VaultConfig;\n", "vault-java-driver (bettercloud)"),
    ("application.properties", "spring.cloud.vault.token=x\n", "Spring Cloud Vault"),
    ("application.properties", "spring.config.import=vault://secret/app\n", "Spring Cloud Vault"),
    ("application-prod.yml", "spring:\n  cloud:\n    vault:\n      uri: x\n", "Spring Cloud Vault"),
    ("bootstrap.yaml", "spring.cloud.vault.uri: x\n", "Spring Cloud Vault"),
    ("a.rb", "require 'vault'\n", "vault-ruby"),
    ("a.rb", "client = Vault::Client.new(address: a)\n", "vault-ruby"),
    ("a.rb", "Vault.logical.read('secret/app')\n", "vault-ruby"),
    ("Program.cs", "using VaultSharp;\n", "VaultSharp"),
    ("Program.fs", "open VaultSharp\n", "VaultSharp"),
    ("main.rs", "use vaultrs::kv2;\n", "vaultrs"),
    ("run.sh", "vault kv get -field=x secret/app\n", "vault CLI"),
    ("run.sh", "vault kv put secret/app a=b\n", "vault CLI"),
    ("run.sh", "vault read -format=json database/creds/app\n", "vault CLI"),
    ("run.sh", 'curl -sf "$VAULT_ADDR/v1/secret/app"\n', "raw Vault HTTP API"),
    ("Dockerfile", "RUN vault kv get secret/app > /x\n", "vault CLI"),
])
def test_client_idiom_is_found(path: str, text: str, client: str) -> None:
    assert [name for name, _ in clients(path, text)] == [client]


@pytest.mark.parametrize(("path", "text"), [
    ("a.py", "VAULT_ADDR = os.environ['VAULT_ADDR']\n"),
    ("a.py", "# import hvac\n"),
    ("a.py", "health = f'{VAULT_ADDR}/v1/sys/health'\n"),
    ("a.py", "requests.get('https://api.example.com/v1/users/data/export')\n"),
    ("a.ts", "// import vault from 'node-vault'\n"),
    ("a.ts", 'import { SecretClient } from "@azure/keyvault-secrets"; // vault\n'),
    ("a.go", '\t"github.com/hashicorp/vault/sdk/helper"  // vault sdk, not a client\n'),
    ("go.mod", "require github.com/hashicorp/vault/api v1.12.0\n"),
    ("package.json", '{"dependencies": {"node-vault": "^0.10.2"}}\n'),
    ("README.md", "```python\nimport hvac\n```\n"),
    ("application.yml", "spring:\n  cloud:\n    vault:\n      enabled: false\n"),
    ("application.properties", "spring.cloud.vault.enabled=false\nspring.cloud.vault.uri=x\n"),
    ("config.yml", "spring:\n  cloud:\n    vault:\n      uri: x\n"),  # not a Spring config name
    ("run.sh", "vault status\nvault policy write app app.hcl\nexport VAULT_ADDR=x\n"),
    ("deploy.yaml", "kind: Job\napiVersion: batch/v1\ncommand: vault kv get secret/x\n"),
])
def test_not_a_client(path: str, text: str) -> None:
    assert clients(path, text) == []


def test_one_finding_per_client_per_file() -> None:
    text = "import hvac\n\nc = hvac.Client()\nr = requests.get(u, headers={'X-Vault-Token': t})\n"
    assert clients("a.py", text) == [("hvac", 1), ("raw Vault HTTP API", 4)]


SCHEMA_CASES = [
    ("env.ts", 'import { z } from "zod";\nconst E = z.object({});\nE.parse(process.env);\n', "zod"),
    ("env.ts", "const env = z.object({}).safeParse(import.meta.env)\n", "zod"),
    ("env.ts", 'import { createEnv } from "@t3-oss/env-core";\ncreateEnv({})\n', "t3-env"),
    ("env.js", "cleanEnv(process.env, {})\n", "envalid"),
    ("env.js", "const env = require('env-var');\nenv.get('A').required().asString();\n",
     "env-var"),
    ("env.js", "const { error } = schema.validate(process.env);\n", "joi / yup"),
    ("env.ts", "const env = v.parse(EnvSchema, process.env);\n", "valibot"),
    ("m.ts", "ConfigModule.forRoot({ validationSchema: s })\n", "@nestjs/config"),
    ("c.js", "const c = convict({});\nc.validate({allowed: 'strict'});\n", "convict"),
    ("c.ts", "export const env = envsafe({})\n", "envsafe"),
    ("s.py", "from pydantic_settings import BaseSettings\nclass S(BaseSettings): ...\n",
     "pydantic-settings"),
    ("s.py", "from pydantic import BaseSettings\nclass S(BaseSettings): ...\n",
     "pydantic-settings"),
    ("s.py", "from environs import Env\n", "environs"),
    ("s.py", "@environ.config(prefix='APP')\nclass C: ...\n", "environ-config"),
    ("s.py", "env = environ.Env(DEBUG=(bool, False))\n", "django-environ"),
    ("s.py", "from dynaconf import Dynaconf, Validator\nValidator('DB', must_exist=True)\n",
     "dynaconf Validator"),
    ("c.go", "err := envconfig.Process(ctx, &c)\n", "envconfig"),
    ("c.go", 'import "github.com/caarlos0/env/v11"\nerr := env.Parse(&cfg)\n', "caarlos0/env"),
    ("c.go", "cleanenv.ReadEnv(&cfg)\n", "cleanenv"),
    ("c.go", "envdecode.StrictDecode(&cfg)\n", "envdecode"),
    ("P.java", "@Validated\n@ConfigurationProperties(\"app\")\nclass P {}\n",
     "Spring @ConfigurationProperties + @Validated"),
    ("P.java", "@ConfigMapping(prefix = \"app\")\ninterface P {}\n", "Quarkus @ConfigMapping"),
    ("b.rb", "S = Dry::Schema.Params { required(:A).filled }\nS.call(ENV.to_h)\n",
     "dry-schema / dry-validation"),
    ("b.rb", "ENVied.require(*ENV['ENVIED_GROUPS'])\n", "envied"),
    ("b.rb", "class C < Anyway::Config\n  required :db\nend\n", "anyway_config"),
    ("b.rb", "Dotenv.require_keys('A')\n", "dotenv require_keys"),
    ("P.cs", "services.AddOptions<O>().ValidateOnStart();\n", "options ValidateOnStart"),
    ("m.rs", "let c: C = envy::from_env()?;\n", "envy"),
]


@pytest.mark.parametrize(("path", "text", "name"), SCHEMA_CASES)
def test_schema_idiom_is_found(path: str, text: str, name: str) -> None:
    assert found_validator(doc(path, text)) == name


@pytest.mark.parametrize(("path", "text"), [
    ("a.py", "DB = os.getenv('DB')\n"),
    ("a.py", "class BaseSettings: ...  # not pydantic\n"),
    ("a.ts", "const db = process.env.DB!;\n"),
    ("a.ts", "const x = JSON.parse(process.env.X)\n"),
    ("P.java", "@ConfigurationProperties(\"app\")\nclass P {}\n"),
    ("a.go", "os.Getenv(\"DB\")\n"),
    ("notes.md", "z.object({}).parse(process.env)\n"),
])
def test_not_a_schema(path: str, text: str) -> None:
    assert found_validator(doc(path, text)) is None


def test_extra_patterns() -> None:
    extra = [re.compile(r"\brequire_env\(")]
    assert found_validator(doc("a.py", "require_env('A')\n"), extra) is not None


def test_every_validator_is_tested() -> None:
    assert {name for _, _, name in SCHEMA_CASES} == {v.name for v in VALIDATORS}
