# One command per job; each target sets up what it needs, so each works on a fresh machine.
#   make test                 set up everything and run every test (what .ci/run runs)
#   make molecule SCENARIO=x  one molecule scenario
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := $(CURDIR)/.venv
PYTHON ?= python3
COLLECTION_LINK := .collections/ansible_collections/pbxguard/hardening
IMAGES := debian12 asterisk22 attacker
SCENARIOS := $(notdir $(patsubst %/molecule.yml,%,$(wildcard molecule/*/molecule.yml)))
SCENARIO ?= $(SCENARIOS)
# What the tests need on the machine itself (podman with runc, image building, shellcheck
# for sanity comes from PyPI).
HOST_PACKAGES := podman runc debootstrap uidmap slirp4netns fuse-overlayfs git make

export PATH := $(VENV)/bin:$(PATH)
export CONTAINERS_CONF := $(CURDIR)/containers.conf
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/.collections:$(VENV)/lib/python3.11/site-packages
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH := false
export ANSIBLE_HOME := $(CURDIR)/.cache/ansible
export ANSIBLE_LOCAL_TEMP := $(CURDIR)/.cache/ansible/tmp
# Every container and network a run creates carries this id, so leftovers can be found.
export PBXGUARD_RUN_ID ?= $(shell date +%H%M%S)$(shell od -An -N2 -tx1 /dev/urandom | tr -d ' \n')

.PHONY: help setup host-packages images lint sanity unit integration package molecule test demo bench clean-testbed

help:
	@echo "make demo       harden a throwaway PBX in containers and watch an attack being stopped"
	@echo "make test       set up everything and run lint, sanity, unit tests and every molecule scenario"
	@echo "make setup      host packages, the virtualenv, the collection link"
	@echo "make images     build the test images (only when their definition changed)"
	@echo "make bench      measure ruleset load times and how many guesses reach Asterisk before a ban"
	@echo "make lint | sanity | unit | integration | package | molecule [SCENARIO=name]"

setup: host-packages $(VENV)/.installed $(COLLECTION_LINK)

host-packages:
	@missing=""; for p in $(HOST_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

$(VENV)/.installed: requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

# Ansible finds the collection by its full name through this link (an ignored folder).
$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn ../../.. $@

images: host-packages
	@for image in $(IMAGES); do images/build-image "$$image"; done

lint: setup
	yamllint --strict .
	shellcheck .ci/run demo/run images/build-image images/asterisk22/init tests/sanity/run-sanity \
	  bench/firewall_bench.sh tests/fail2ban/capture/capture.sh molecule/firewall/files/others-snapshot
	antsibull-changelog lint
	ansible-lint

sanity: setup
	tests/sanity/run-sanity

unit: setup
	pytest tests/unit tests/roles

# Tests against real daemons in throwaway containers, outside molecule: the fail2ban filter
# on captured Asterisk 22 lines, the ban actions in a real fail2ban server.
integration: setup images
	pytest tests/fail2ban

# The built tarball must install into an empty collections path and show its docs there.
package: setup
	rm -rf .cache/package && mkdir -p .cache/package/collections
	ansible-galaxy collection build --force --output-path .cache/package
	ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/.cache/package/collections \
	  ansible-galaxy collection install --no-deps -p .cache/package/collections .cache/package/pbxguard-hardening-*.tar.gz
	ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/.cache/package/collections:$(VENV)/lib/python3.11/site-packages \
	  ansible-doc -t role pbxguard.hardening.pbx | grep -q "ENTRY POINT:.*main"
	ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/.cache/package/collections:$(VENV)/lib/python3.11/site-packages \
	  ansible-doc pbxguard.hardening.pbx_secret | grep -q "pbx_secret"

# Molecule also looks up a shared-state scenario `default` through MOLECULE_GLOB and logs
# a CRITICAL "glob failed" when there is none. A glob naming the one scenario (no wildcard)
# makes both lookups find it; shared state stays off, as no scenario asks for it.
molecule: setup images
	@for scenario in $(SCENARIO); do \
	  echo "== molecule scenario $$scenario"; \
	  status=0; MOLECULE_GLOB="molecule/$$scenario/molecule.yml" molecule test || status=$$?; \
	  $(MAKE) --no-print-directory clean-testbed; \
	  [ "$$status" -eq 0 ] || { echo "molecule scenario $$scenario failed"; exit "$$status"; }; \
	done

# Safety net behind molecule's own destroy: remove this run's containers and networks by name.
clean-testbed:
	@podman ps --all --format '{{.Names}}' | grep "^pbxguard-$(PBXGUARD_RUN_ID)-" | xargs --no-run-if-empty podman rm --force --time 0 >/dev/null || true
	@podman network ls --format '{{.Name}}' | grep "^pbxguard-$(PBXGUARD_RUN_ID)-" | xargs --no-run-if-empty podman network rm --force >/dev/null || true

test: lint sanity unit package integration molecule

demo: setup images
	demo/run

# Figures for speed and scale claims come from here, never from a timed test.
bench: setup images
	bench/firewall_bench.sh
	python bench/fail2ban_bench.py
