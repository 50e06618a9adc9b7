"""The filters by their full names, in a real ansible-playbook run.

The other tests call the Python functions; this one checks that Ansible finds
each filter by its FQCN and that values reaching them through Jinja (lazy
containers, tagged strings in ansible-core 2.19) are handled like plain ones.
"""


PLAYBOOK = """
- name: Use every filter of the collection
  hosts: localhost
  gather_facts: false
  vars:
    ports: {sip_udp: 5060, rtp: "10000-20000", iax2: null, provisioning: {port: 8088, protocol: tcp}}
    networks: ["10.0.0.128/25", "10.0.0.0/25", "2001:db8::1"]
  tasks:
    - name: Apply the filters
      ansible.builtin.set_fact:
        results:
          port_range: "{{ '10000:20000' | pbxguard.hardening.port_range }}"
          port_plan: "{{ ports | pbxguard.hardening.port_plan(max_calls=20) }}"
          network_list: "{{ networks | pbxguard.hardening.network_list }}"
          not_within: "{{ networks | pbxguard.hardening.networks_not_within(['10.0.0.0/24']) }}"
          secret_audit: "{{ '12345678' | pbxguard.hardening.secret_audit(kind='pin', extension=201) }}"

    - name: A bad value fails with the filter's message
      block:
        - name: Overlapping ports
          ansible.builtin.set_fact:
            clash: "{{ {'sip_udp': 5060, 'rtp': '5000-20000'} | pbxguard.hardening.port_plan(max_calls=20) }}"
      rescue:
        - name: Keep the message
          ansible.builtin.set_fact:
            results: "{{ results | combine({'error': ansible_failed_result.msg}) }}"

    - name: Write the results
      ansible.builtin.copy:
        content: "{{ results | to_json }}"
        dest: "{{ out }}"
        mode: "0600"
"""


def test_filters_by_fqcn(run_playbook):
    results = run_playbook(PLAYBOOK).results
    assert results["port_range"] == {"start": 10000, "end": 20000, "count": 10001, "iptables": "10000:20000", "nft": "10000-20000"}
    assert results["port_plan"] == {
        "sip_udp": {"protocol": "udp", "start": 5060, "end": 5060, "count": 1, "iptables": "5060", "nft": "5060"},
        "rtp": {"protocol": "udp", "start": 10000, "end": 20000, "count": 10001, "iptables": "10000:20000", "nft": "10000-20000"},
        "provisioning": {"protocol": "tcp", "start": 8088, "end": 8088, "count": 1, "iptables": "8088", "nft": "8088"},
    }
    assert results["network_list"] == {"ipv4": ["10.0.0.0/24"], "ipv6": ["2001:db8::1/128"]}
    assert results["not_within"] == ["2001:db8::1"]
    assert results["secret_audit"] == {"ok": False, "bits": 10, "problems": ["has an ascending sequence of 8 digits"]}
    # ansible-core 2.19 puts its own context before the filter's message.
    assert results["error"].endswith(
        "The filter plugin 'pbxguard.hardening.port_plan' failed: port_plan: sip_udp (udp 5060) overlaps rtp (udp 5000-20000)"
    )
