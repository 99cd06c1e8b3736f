{
  "resourceType": "Bundle",
  "type": "transaction",
  "entry": [
    {
      "request": {
        "method": "DELETE",
        "url": "/AccessPolicy/portal-provisioner-clients"
      }
    },
    {
      "request": {
        "method": "DELETE",
        "url": "/AccessPolicy/portal-provisioner-organizations"
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Client/portal-provisioner"
      },
      "resource": {
        "resourceType": "Client",
        "id": "portal-provisioner",
        "description": "The portal's provisioner (HTTP Basic): writes the portal's own backend service Clients (bs-<32 hex>) and their AccessPolicies, nothing else. infra/aidbox/NOTES.md explains its policies.",
        "active": true,
        "secret": "${PORTAL_PROVISIONER_SECRET}",
        "grant_types": [
          "basic"
        ]
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/AccessPolicy/as-portal-provisioner-read-and-delete-portal-clients"
      },
      "resource": {
        "resourceType": "AccessPolicy",
        "id": "as-portal-provisioner-read-and-delete-portal-clients",
        "description": "The provisioner reads and deletes the portal's Clients (bs-<32 hex>) and their policies (bs-<32 hex>-policy), by id only.",
        "engine": "matcho",
        "link": [
          {
            "reference": "Client/portal-provisioner"
          }
        ],
        "matcho": {
          "client": {
            "id": "portal-provisioner"
          },
          "request-method": {
            "$enum": [
              "get",
              "delete"
            ]
          },
          "uri": "#^/(Client/bs-[0-9a-f]{32}|AccessPolicy/bs-[0-9a-f]{32}-policy)$"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/AccessPolicy/as-portal-provisioner-write-portal-clients"
      },
      "resource": {
        "resourceType": "AccessPolicy",
        "id": "as-portal-provisioner-write-portal-clients",
        "description": "The provisioner creates, replaces and merge-patches the portal's Clients (bs-<32 hex>), only as client_credentials clients: no other grant, no type, no trust flags, no policy references, no other issuers.",
        "engine": "matcho",
        "link": [
          {
            "reference": "Client/portal-provisioner"
          }
        ],
        "matcho": {
          "client": {
            "id": "portal-provisioner"
          },
          "request-method": {
            "$enum": [
              "put",
              "patch"
            ]
          },
          "uri": "#^/Client/bs-[0-9a-f]{32}$",
          "body": {
            "id": {
              "$one-of": [
                "nil?",
                "#^bs-[0-9a-f]{32}$"
              ]
            },
            "grant_types": {
              "$one-of": [
                "nil?",
                {
                  "$every": "client_credentials"
                }
              ]
            },
            "type": "nil?",
            "trusted": "nil?",
            "first_party": "nil?",
            "scopes": "nil?",
            "allowed-scopes": "nil?",
            "allowedIssuers": "nil?"
          }
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/AccessPolicy/as-portal-provisioner-write-portal-client-policies"
      },
      "resource": {
        "resourceType": "AccessPolicy",
        "id": "as-portal-provisioner-write-portal-client-policies",
        "description": "The provisioner creates and replaces the AccessPolicy of one of the portal's Clients (bs-<32 hex>-policy): a matcho policy linked to the portal's Clients only, never global, never another engine.",
        "engine": "complex",
        "link": [
          {
            "reference": "Client/portal-provisioner"
          }
        ],
        "and": [
          {
            "engine": "matcho",
            "matcho": {
              "client": {
                "id": "portal-provisioner"
              },
              "request-method": "put",
              "uri": "#^/AccessPolicy/bs-[0-9a-f]{32}-policy$",
              "body": {
                "id": {
                  "$one-of": [
                    "nil?",
                    "#^bs-[0-9a-f]{32}-policy$"
                  ]
                },
                "engine": "matcho",
                "matcho": "present?",
                "link": {
                  "$every": {
                    "resourceType": "Client",
                    "id": "#^bs-[0-9a-f]{32}$",
                    "reference": "nil?"
                  }
                },
                "type": "nil?",
                "roleName": "nil?",
                "sql": "nil?",
                "schema": "nil?",
                "clj": "nil?",
                "rpc": "nil?",
                "and": "nil?",
                "or": "nil?",
                "module": "nil?"
              }
            }
          },
          {
            "engine": "matcho",
            "matcho": {
              "body": {
                "link": [
                  {
                    "resourceType": "Client",
                    "id": "#^bs-[0-9a-f]{32}$"
                  }
                ]
              }
            }
          }
        ]
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Client/portal-reader"
      },
      "resource": {
        "resourceType": "Client",
        "id": "portal-reader",
        "description": "The portal's registration service (HTTP Basic): reads Organizations, nothing else.",
        "active": true,
        "secret": "${PORTAL_READER_SECRET}",
        "grant_types": [
          "basic"
        ]
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/AccessPolicy/as-portal-reader-read-organizations"
      },
      "resource": {
        "resourceType": "AccessPolicy",
        "id": "as-portal-reader-read-organizations",
        "description": "The registration service lists and reads Organizations at the server root, paging with _count and _page only: no _include, _revinclude, _has or any other parameter that reaches other resources.",
        "engine": "matcho",
        "link": [
          {
            "reference": "Client/portal-reader"
          }
        ],
        "matcho": {
          "client": {
            "id": "portal-reader"
          },
          "request-method": "get",
          "uri": "#^/Organization(/[A-Za-z0-9.-]{1,64})?$",
          "query-string": {
            "$one-of": [
              "nil?",
              "#^(_(count|page)=[0-9]{1,6}(&_(count|page)=[0-9]{1,6})*)?$"
            ]
          },
          "params": {
            "_include": "nil?",
            "_revinclude": "nil?",
            "_has": "nil?",
            "_with": "nil?",
            "_assoc": "nil?"
          }
        }
      }
    }
  ]
}
