# One command per job; each target sets up what it needs, so each works on a fresh machine.
#   make test                 set up everything and run every test (what .ci/run runs)
#   make molecule SCENARIO=x  one molecule scenario
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := $(CURDIR)/.venv
PYTHON ?= python3
COLLECTION_LINK := .collections/ansible_collections/pbxguard/hardening
IMAGES := debian12 debian12-bare asterisk22 attacker
# Molecule scenarios run two at a time (MOLECULE_JOBS), longest first so that both slots
# finish close together; a scenario not named in SCENARIO_ORDER runs last.
SCENARIO_ORDER := attack rollout openvpn sip_extensions trunks firewall roaming audit fresh fail2ban firewall_lockout smoke
FOUND_SCENARIOS := $(notdir $(patsubst %/molecule.yml,%,$(wildcard molecule/*/molecule.yml)))
SCENARIOS := $(filter $(FOUND_SCENARIOS),$(SCENARIO_ORDER)) $(filter-out $(SCENARIO_ORDER),$(FOUND_SCENARIOS))
SCENARIO ?= $(SCENARIOS)
MOLECULE_JOBS ?= 2
# Each run's full output, one file per step or scenario (an ignored folder).
LOGS := $(CURDIR)/.cache/logs
# What the tests need on the machine itself (podman with runc, image building, the test apt
# repository's index (dpkg-dev); shellcheck for sanity comes from PyPI; chromium opens the audit
# report in the audit scenario).
HOST_PACKAGES := podman runc debootstrap uidmap slirp4netns fuse-overlayfs git make dpkg-dev chromium

# Every tracked shell script, found by its first line: no hand-kept list to forget one in.
SHELL_SCRIPTS = $(shell git ls-files -z | xargs -0 awk 'FNR == 1 && /^\#!.*[\/ ](ba|da)?sh( |$$)/ {print FILENAME} {nextfile}')

export PATH := $(VENV)/bin:$(PATH)
export CONTAINERS_CONF := $(CURDIR)/containers.conf
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/.collections:$(VENV)/lib/python3.11/site-packages
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH := false
export ANSIBLE_HOME := $(CURDIR)/.cache/ansible
export ANSIBLE_LOCAL_TEMP := $(CURDIR)/.cache/ansible/tmp
# Every container and network a run creates carries this id, so leftovers can be found.
# Expanded once (:=): with a plain ?= each recipe, parallel jobs included, drew its own id.
PBXGUARD_RUN_ID ?= $(shell date +%H%M%S)$(shell od -An -N2 -tx1 /dev/urandom | tr -d ' \n')
export PBXGUARD_RUN_ID := $(PBXGUARD_RUN_ID)

.PHONY: help setup host-packages host-limits images lint sanity unit integration package molecule test demo bench clean-testbed

help:
	@echo "make demo       harden a throwaway PBX in containers and watch an attack being stopped"
	@echo "make test       set up everything and run lint, sanity, unit tests and every molecule scenario"
	@echo "make setup      host packages, the virtualenv, the collection link"
	@echo "make images     build the test images (only when their definition changed)"
	@echo "make bench      measure guesses before a ban, seconds to ban, ruleset load times; print one table"
	@echo "make lint | sanity | unit | integration | package | molecule [SCENARIO=name]"

setup: host-packages host-limits $(VENV)/.installed $(COLLECTION_LINK)

# Every systemd container, and every fail2ban jail in it, holds inotify instances, and rootful
# containers share root's limit: Debian's 128 runs out with two scenarios of PBXs side by side
# (fail2ban then fails to start with EMFILE). A kernel limit only; no network setting changes.
INOTIFY_INSTANCES := 1024
host-limits:
	@if [ "$$(cat /proc/sys/fs/inotify/max_user_instances)" -lt $(INOTIFY_INSTANCES) ]; then \
	  echo "raising fs.inotify.max_user_instances to $(INOTIFY_INSTANCES)"; \
	  echo $(INOTIFY_INSTANCES) > /proc/sys/fs/inotify/max_user_instances; \
	fi

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
	shellcheck $(SHELL_SCRIPTS)
	antsibull-changelog lint
	ansible-lint

sanity: setup
	tests/sanity/run-sanity

unit: setup
	pytest tests/unit tests/roles tests/ee

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
	ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/.cache/package/collections:$(VENV)/lib/python3.11/site-packages \
	  ansible-doc pbxguard.hardening.pbx_site | grep -q "corresponding action plugin"

molecule: setup images
	@status=0; $(MAKE) --no-print-directory --keep-going -j$(MOLECULE_JOBS) \
	  $(addprefix molecule-,$(SCENARIO)) || status=$$?; \
	$(call remove_testbed,pbxguard-$(PBXGUARD_RUN_ID)-); \
	exit $$status

# One scenario, its whole output in $(LOGS)/molecule-NAME.log (also on the terminal when
# it runs alone); when it fails, the log's tail and its name.
# Molecule also looks up a shared-state scenario `default` through MOLECULE_GLOB and logs
# a CRITICAL "glob failed" when there is none. A glob naming the one scenario (no wildcard)
# makes both lookups find it; shared state stays off, as no scenario asks for it.
# Molecule takes any glob holding "extensions/molecule" for a collection's extensions/ folder
# (and then fails): "exten[s]ions" matches the same folder without that text.
molecule-%:
	@mkdir -p $(LOGS); log=$(LOGS)/molecule-$*.log; start=$$(date +%s); \
	echo "== molecule $*: started, log in $${log#$(CURDIR)/}"; \
	status=0; MOLECULE_GLOB='molecule/$(subst extensions/,exten[s]ions/,$*/)molecule.yml' molecule test \
	  $(if $(word 2,$(SCENARIO)),>"$$log" 2>&1,2>&1 | tee "$$log") || status=$$?; \
	$(call remove_testbed,pbxguard-$(PBXGUARD_RUN_ID)-$*-); \
	seconds=$$(( $$(date +%s) - start )); \
	[ -z "$${PBXGUARD_TIMES:-}" ] || printf 'molecule/%s\t%s\t%s\n' $* "$$seconds" \
	  "$$( [ "$$status" -eq 0 ] && echo ok || echo FAILED)" >>"$$PBXGUARD_TIMES"; \
	if [ "$$status" -eq 0 ]; then echo "== molecule $*: passed in $$seconds s"; exit 0; fi; \
	$(if $(word 2,$(SCENARIO)),tail -n 60 "$$log" | sed 's/^/$*| /';) \
	echo "== molecule $*: FAILED after $$seconds s, full log: $${log#$(CURDIR)/}"; \
	exit "$$status"

# $(call remove_testbed,PREFIX): remove the containers and networks whose names begin with
# PREFIX. One scenario's prefix ends in "<scenario>-", so it never matches another's.
remove_testbed = \
  podman ps --all --format '{{.Names}}' | grep "^$(1)" | xargs --no-run-if-empty podman rm --force --time 0 >/dev/null || true; \
  podman network ls --format '{{.Name}}' | grep "^$(1)" | xargs --no-run-if-empty podman network rm --force >/dev/null || true

# Safety net behind molecule's own destroy: remove this run's containers and networks by name
# (`make clean-testbed PBXGUARD_RUN_ID=<id>` for an earlier run).
clean-testbed:
	@$(call remove_testbed,pbxguard-$(PBXGUARD_RUN_ID)-)

# Each step in turn, stopping at the first that fails; then the wall time of each step that
# ran (and of each molecule scenario, which adds its own rows) and of the whole run.
TEST_STEPS := setup images lint sanity unit package integration molecule
test:
	@mkdir -p $(LOGS); export PBXGUARD_TIMES=$(LOGS)/times-$(PBXGUARD_RUN_ID).tsv; \
	: >"$$PBXGUARD_TIMES"; begin=$$(date +%s); status=0; \
	for step in $(TEST_STEPS); do \
	  start=$$(date +%s); $(MAKE) --no-print-directory "$$step" || status=$$?; \
	  printf '%s\t%s\t%s\n' "$$step" "$$(( $$(date +%s) - start ))" \
	    "$$( [ "$$status" -eq 0 ] && echo ok || echo FAILED)" >>"$$PBXGUARD_TIMES"; \
	  [ "$$status" -eq 0 ] || break; \
	done; \
	.ci/time-table "$$PBXGUARD_TIMES" "$$(( $$(date +%s) - begin ))"; \
	exit "$$status"

demo: setup images
	demo/run

# Figures for speed and scale claims come from here, never from a timed test: each
# measurement in bench/run.py, then one table of every figure with its command.
bench: setup images
	python bench/run.py
